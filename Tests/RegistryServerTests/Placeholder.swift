// Tests for RegistryServerTests live here.
