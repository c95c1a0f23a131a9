"""dataset.yml beside the data: what the data set is (title, vintage, whether it is
illustrative), read as untrusted input."""

from __future__ import annotations

from pathlib import Path

import yaml

from carbonpeak.findings import WARNING, Finding
from carbonpeak.ingest import sources
from carbonpeak.textsafe import strip_bidi

MAX_DATASET_YML_BYTES = 64 * 1024

MAX_META_TEXT = 300  # characters of one dataset.yml value shown in reports


class _NoAliasLoader(yaml.SafeLoader):
    """dataset.yml is input: YAML aliases (&a / *a) could multiply a tiny file into
    megabytes (a "billion laughs"), and a description never needs them."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, "YAML 别名（*）不允许使用", mark)
        return super().compose_node(parent, index)


def load_dataset_meta(data_dir: Path) -> tuple[dict, list[Finding]]:
    """dataset.yml beside the data (title, vintage, whether it is illustrative), and a
    warning instead of a traceback when it is unusable: the reports then say so."""
    path = Path(data_dir) / "dataset.yml"
    fallback = {"vintage_zh": f"{Path(data_dir).name}（未提供数据说明）"}
    if not path.exists():
        return fallback, []

    def problem(message: str, row: int | None = None) -> tuple[dict, list[Finding]]:
        fallback["vintage_zh"] = f"{Path(data_dir).name}（数据说明文件无法使用）"
        return fallback, [Finding("dataset", "dataset_meta", WARNING, message + "，已忽略该文件",
                                  file="dataset.yml", row=row)]

    if sources.refusal(path, Path(data_dir).resolve()):
        return problem("dataset.yml 不是数据文件夹中的普通文件")
    if path.stat().st_size > MAX_DATASET_YML_BYTES:
        return problem(f"dataset.yml 超过 {MAX_DATASET_YML_BYTES // 1024} KB 的上限")
    try:
        data = yaml.load(path.read_bytes().decode("utf-8"), Loader=_NoAliasLoader)  # noqa: S506
    except UnicodeDecodeError:
        return problem("dataset.yml 不是 UTF-8 编码")
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        return problem(f"dataset.yml 不是有效的 YAML（{getattr(e, 'problem', None) or e}）", row)
    if data is None:
        return fallback, []
    if not isinstance(data, dict):
        return problem(f"dataset.yml 应为“键: 值”的映射，实际为{type(data).__name__}")
    meta, dropped = {}, []
    for key, value in data.items():
        if isinstance(value, bool | int | float) and not isinstance(key, bool):
            meta[str(key)] = value
        elif isinstance(value, str):
            meta[str(key)] = strip_bidi(value)[:MAX_META_TEXT]
        else:
            dropped.append(str(key))
    findings = [] if not dropped else problem(
        f"dataset.yml 中的 {'、'.join(dropped[:5])} 不是单个文字或数字")[1]
    return meta, findings

