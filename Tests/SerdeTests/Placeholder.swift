// Tests for SerdeTests live here.
