"""Revisions say what moved: a later file's revision of an earlier month is graded both ways —
on the data as that month delivered them (what its brief showed when first issued) and on
the revised data — and the brief, the province brief and the monthly index name every light
that changed, and only those."""

import pandas as pd
import pytest
from test_monthly_ingest import write_month

from carbonpeak import brief, ingest, reference
from carbonpeak.barometer import run_barometer
from carbonpeak.brief import revised
from carbonpeak.report import index

HANGZHOU = "330100"


@pytest.fixture
def monthly_dir(tmp_path):
    """杭州 1–2月 and 1–3月 of 2025 and 2026, each month in its own file."""
    d = tmp_path / "data"
    d.mkdir()
    write_month(d, "industry_monthly_2025-02.csv", [("杭州市", "2025-02", 5.0, 150, 0, 30)])
    write_month(d, "industry_monthly_2025-03.csv", [("杭州市", "2025-03", 5.0, 230, 0, 46)])
    write_month(d, "industry_monthly_2026-02.csv", [("杭州市", "2026-02", 5.0, 153, 0, 31)])
    return d


def run_with_revision(data, run, february_energy):
    """The 2026-03 file re-delivers 1–2月 with `february_energy` instead of 153."""
    write_month(data, "industry_monthly_2026-03.csv",
                [("杭州市", "2026-03", 4.0, 240, 0, 47),
                 ("杭州市", "2026-02", 5.0, february_energy, 0, 31)])
    ingest.build_warehouse(data, run / "warehouse")
    run_barometer(run, "2026-03")
    hist = pd.read_csv(run / "barometer_history.csv", dtype={"region_code": str})
    feb = hist[(hist["region_code"] == HANGZHOU) & (hist["period"] == "2026-02")
               ].set_index("indicator_id")
    return feb, brief.load(run, HANGZHOU, "2026-03")


def test_a_revision_that_flips_a_light_is_named(monthly_dir, tmp_path):
    feb, ctx = run_with_revision(monthly_dir, tmp_path / "run", 170)
    e = feb.loc["energy_intensity"]
    # as delivered: (153/150)/1.05 − 1 = −2.857 %, a fall short of the target: yellow;
    # revised: (170/150)/1.05 − 1 = +7.937 %, a rise: red
    assert e["published_value"] == pytest.approx(-2.8571429, abs=1e-6)
    assert e["value"] == pytest.approx(7.9365079, abs=1e-6)
    assert (e["published_status"], e["status"]) == ("yellow", "red")
    view = revised.revision_view(ctx)
    assert "1—2月规上工业综合能源消费量由153.0万吨标准煤修订为170.0万吨标准煤" in view["items"]
    [effect] = view["effects"]
    assert "1—2月单位工业增加值能耗由修订前的黄灯变为红灯" in effect
    html = str(brief.revision(ctx))
    assert "1—2月单位工业增加值能耗由修订前的黄灯变为红灯" in html


def test_a_revision_that_does_not_flip_a_light_is_not_named_as_a_change(monthly_dir,
                                                                         tmp_path):
    feb, ctx = run_with_revision(monthly_dir, tmp_path / "run", 154)
    e = feb.loc["energy_intensity"]
    # (154/150)/1.05 − 1 = −2.222 %: still a fall short of the target, yellow both ways
    assert e["value"] == pytest.approx(-2.2222222, abs=1e-6)
    assert (e["published_status"], e["status"]) == ("yellow", "yellow")
    view = revised.revision_view(ctx)
    assert view["effects"] == ["1—2月的灯号未因修订而改变。"]
    assert "变为" not in str(brief.revision(ctx))


def test_a_month_no_later_revision_touched_has_no_first_delivered_light(monthly_dir,
                                                                        tmp_path):
    feb, _ = run_with_revision(monthly_dir, tmp_path / "run", 170)
    hist = pd.read_csv(tmp_path / "run" / "barometer_history.csv", dtype=str)
    march = hist[(hist["region_code"] == HANGZHOU) & (hist["period"] == "2026-03")]
    assert march["published_status"].isna().all()  # 1–3月 reads no revised cell


def test_sample_province_brief_and_index_name_the_flipped_light(tmp_path):
    """The sample: 台州's 1–7月 energy (327.46 -> 332.45) and the province's (7721.46 ->
    7726.45) revised in the 2026-08 file. The province's 1–7月 energy intensity was green on
    the data as delivered and is yellow on the revised data; 台州's lights did not change."""
    from carbonpeak.paths import SAMPLE_DIR

    run = tmp_path / "2026-10"
    ingest.build_warehouse(SAMPLE_DIR, run / "warehouse")
    run_barometer(run, "2026-10")
    province = reference.province_code()
    effects = revised.revision_view(brief.load(run, province, "2026-10"))["effects"]
    assert effects == [
        "因修订而改变的灯号（修订前为按当月报送数据计算、该月简报首次发布时的灯号）："
        "浙江省1—7月单位工业增加值能耗由修订前的绿灯变为黄灯。",
        "台州市1—7月的灯号未因修订而改变。"]
    taizhou = revised.revision_view(brief.load(run, "331000", "2026-10"))["effects"]
    assert taizhou == ["1—7月的灯号未因修订而改变。"]
    # a city without revisions says nothing of them
    assert revised.revision_view(brief.load(run, HANGZHOU, "2026-10"))["head"] == ""
    page = index.render(run, "2026-10")
    assert "浙江省1—7月单位工业增加值能耗由修订前的绿灯变为黄灯" in page
    assert "有2处较早月份的数据被之后报送的文件修订（浙江省、台州市）" in page


def test_fixture_revision_that_moved_no_light():
    """The hand-made 1–10月 run: 杭州's 1–8月 revision left its lights as they were."""
    from test_brief import FIXTURE

    html = str(brief.revision(brief.load(FIXTURE, HANGZHOU, "2026-10")))
    assert "1—8月的灯号未因修订而改变。" in html and "变为" not in html
    province = str(brief.revision(brief.load(FIXTURE, reference.province_code(), "2026-10")))
    assert "杭州市1—8月的灯号未因修订而改变。" in province


def test_note_terms_are_explained_where_they_appear():
    """通过（有提示） and 未通过 carry their meaning beside them; 通过 needs none."""
    from carbonpeak.report.appendix import verdict_legend

    assert verdict_legend(["pass"]) == ""
    text = verdict_legend(["pass", "warning", None])
    assert text.startswith("数据质量：通过（有提示）＝") and "不影响评级" in text
    assert "未通过" not in text
    assert "未通过＝" in verdict_legend(["fail", "warning"])
    # a brief whose lights read a warning: its cover's quality line says what it means
    from test_brief import FIXTURE

    ctx = brief.load(FIXTURE, HANGZHOU, "2026-10")
    ctx.basis = {"rows": [("2026-10", "industry_monthly_2026-10.csv", 3)], "errors": [],
                 "checks": [{"check": "revision", "title_zh": "数据修订", "table":
                             "industry_monthly"}],
                 "warnings": [{"check": "revision", "severity": "warning"}]}
    ctx.verdict = "warning"
    cover = str(brief.cover(ctx))
    assert "通过（有提示）" in cover and "通过（有提示）＝" in cover
