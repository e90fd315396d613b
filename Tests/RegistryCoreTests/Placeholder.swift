// Tests for RegistryCoreTests live here.
