// Tests for CompatibilityTests live here.
