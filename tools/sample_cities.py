"""The size of each city in the sample: what both the headline and the detail tables scale by."""

# 2020 value added (亿元, current prices): a fifth of 2020 gross output (city statistical yearbooks),
# scaled so the cities add up to the province's ≈16,700.
OUTPUT_2020 = {
    "330100": 14309, "330200": 17609, "330300": 5288, "330400": 10158, "330500": 4831,
    "330600": 6742, "330700": 4382, "330800": 1867, "330900": 1532, "331000": 5188,
    "331100": 1430,
}
