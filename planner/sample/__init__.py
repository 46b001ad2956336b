"""The realistic sample case: US kei retooling 2027-2036 (data/ and build_us_kei)."""
