"""Every check stage 01 makes, by id, so that a clean table can list them as passed too."""

from __future__ import annotations

from carbonpeak.findings import ERROR, INFO, WARNING

# Every check ingest itself makes, so that a clean table can list them as passed too.
# check id -> (what a reader sees, severity)
INGEST_CHECKS = {
    "file_readable": ("文件存在且可读取（CSV 为 UTF-8/GBK 编码，或 Excel）", ERROR),
    "missing_column": ("必需列齐全", ERROR),
    "unknown_unit": ("列名中的单位可识别、可换算", ERROR),
    "duplicate_column": ("同一指标只有一列", ERROR),
    "unknown_column": ("没有未识别的列（未识别的列会被忽略）", WARNING),
    "not_a_number": ("数值列中只有有限的数字（可带千分位、全角数字或空值标记“—”）", ERROR),
    "unknown_region": ("地区可识别（行政区划代码或地区名称）", WARNING),
    "total_row_dropped": ("合计行已剔除（合计由各地区数据计算）", WARNING),
    "total_row_as_province": ("未提供全省行时，合计行作为全省数据（并与各市之和核对）", WARNING),
    "province_row_checked": ("按设区市填报的表中的全省行已与各市之和核对并剔除", WARNING),
    "province_row_mismatch": ("按设区市填报的表中的全省行与各市之和一致", ERROR),
    "repeated_header_dropped": ("数据中间重复的表头行已剔除", WARNING),
    "region_conflict": ("企业的信用代码登记地、县（市、区）与所在设区市一致", ERROR),
    "duplicate_across_regions": ("同一企业（或项目）不在两个设区市重复填报", ERROR),
    "rare_character": ("文字可用已安装的字体显示", WARNING),
    "file_matched": ("文件按文件名或表头对应到数据表", WARNING),
    "table_absent": ("可选数据表已提供（未提供时相关指标未评级：未提供）", INFO),
    "bad_period": ("统计期可识别（如2026-10、2026年1-10月，或1-10月另有年份列）", ERROR),
    "unknown_county": ("县（市、区）可识别（行政区划代码或名称，见地区代码表）", ERROR),
    "county_wrong_city": ("按设区市报送的县级文件只含本市的县（市、区）", ERROR),
    "county_conflict": ("同一县（市、区）同一年份在不同文件中的数值一致", ERROR),
    "revision": ("同一地区同一统计期在不同文件中的数值一致（不一致时以较新的文件为准）", WARNING),
    "conflicting_delivery": ("同一月份的多份报送数值一致（不一致时两份都不采用）", ERROR),
    "duplicate_delivery": ("同一月份只报送一份（重复报送的文件应删除）", WARNING),
}


# Checks that only tables delivered one file per month can fail (not listed for the others).
MONTHLY_CHECKS = {"bad_period", "revision", "conflicting_delivery", "duplicate_delivery"}
# Checks that only county-level tables (tables.yml `level: county`) can fail.
COUNTY_CHECKS = {"unknown_county", "county_wrong_city", "county_conflict"}


# Reasons a file could not be read at all; they are reported under `file_readable`.
UNREADABLE = {"missing_file", "empty_file", "unreadable_file", "unknown_encoding", "too_large",
              "not_a_regular_file", "outside_data_folder", "two_files"}


def ingest_check(check: str) -> str:
    """The INGEST_CHECKS entry a finding's check id is listed under."""
    return "file_readable" if check in UNREADABLE else check
