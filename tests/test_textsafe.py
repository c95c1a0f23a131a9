from carbonpeak import textsafe


def test_formula_prefixes_are_neutralised():
    for text in ["=HYPERLINK(\"http://x\")", "+1+2", "-cmd", "@SUM(A1)", "\tx", "\rx"]:
        assert textsafe.spreadsheet_cell(text) == "'" + text


def test_numbers_and_plain_text_pass():
    assert textsafe.spreadsheet_cell("-6.5") == "-6.5"
    assert textsafe.spreadsheet_cell(-6.5) == -6.5
    assert textsafe.spreadsheet_cell("杭州市") == "杭州市"


def test_bidi_controls_are_stripped():
    assert textsafe.strip_bidi("abc\u202edef\u2066g") == "abcdefg"
    assert textsafe.spreadsheet_cell("\u202e=1") == "'=1"
