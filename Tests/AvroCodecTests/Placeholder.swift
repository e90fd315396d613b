// Tests for AvroCodecTests live here.
