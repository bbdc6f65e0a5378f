"""What the page tells a person when an upload cannot be scored, in Chinese: what
went wrong and what to do. The library's own one-line message is shown under it."""
from __future__ import annotations

__all__ = ["error_message", "size_text", "TOO_LARGE", "TIMEOUT", "CRASH", "NO_FILE", "BAD_DATE", "DATE_RANGE",
           "NOT_FOUND", "BAD_CRITERIA", "BAD_METHOD", "BAD_REQUEST", "BAD_FORM"]

#: Library error class name -> (headline, what to do).
_BY_CLASS: dict[str, tuple[str, str]] = {
    "NoTextLayer": ("这个PDF没有文字层（可能是扫描件），读不出文字。",
                    "请上传由Word或WPS直接导出的PDF、Word文件或文本文件；扫描件请先做文字识别（OCR）。"),
    "EmptyDocument": ("文件是空的，没有可读取的文字。", "请确认上传的是报告正文文件。"),
    "DecodeError": ("无法识别文件的文字编码。", "请将文件另存为UTF-8编码的文本，或上传Word、PDF版本。"),
    "UnsupportedFormat": ("无法识别的文件格式，或文件已损坏。",
                          "请上传txt、Markdown、HTML、Word（.docx）或带文字的PDF文件。"),
    "TooLarge": ("文件或其解压后的内容过大。", "请删除报告中的大图片后再上传，或上传文本版本。"),
    "NotAReport": ("这份文件不是政府信息公开工作年度报告，不能按年报评分。",
                   "请上传年度报告正文（应包含“总体情况”等六个部分和三张统计表）。"),
    "CriteriaError": ("所选指标体系有误，无法评分。", "请改选其他指标体系，或联系管理员检查指标文件。"),
    "LoadError": ("无法读取这个文件。", "请检查文件是否完整，或另存为其他格式后再上传。"),
}
_DEFAULT = ("无法处理这个文件。", "请检查文件后重试。")

TOO_LARGE = "文件超过大小限制（{limit}）。请删除报告中的大图片或另存为文本、Word格式后再上传。"
TIMEOUT = "处理超时：{seconds}秒内未能完成评分，已停止处理。请删除报告中的大图片或附件，或另存为文本、Word格式后再上传。"
CRASH = "处理这个文件时发生内部错误，已停止处理。请另存为其他格式后重试；如果仍然出错，请联系管理员。"
NO_FILE = "请选择要上传的报告文件。"
BAD_DATE = "发布日期“{value}”不是有效日期，请按“年-月-日”填写，例如 2025-01-20。"
DATE_RANGE = "发布日期“{value}”不在合理范围内（应在2008年至明年之间），请检查后重新填写。"
BAD_CRITERIA = "没有名为“{value}”的指标体系，请从列表中选择。"
NOT_FOUND = "找不到这个结果：链接有误，或结果已过期被清除。请重新上传报告。"
BAD_METHOD = "不支持这种访问方式，请从上传页面重新开始。"
BAD_REQUEST = "请求无法处理，请从上传页面重新开始。"
BAD_FORM = "提交的内容不完整或格式不对，请从上传页面重新开始。"


def error_message(class_name: str) -> tuple[str, str]:
    """Headline and advice for a library error class (its name, as the worker reports it)."""
    return _BY_CLASS.get(class_name, _DEFAULT)


def size_text(n: int) -> str:
    """A byte count as people read it (20 MB, 512 KB)."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):g} MB"
    if n >= 1024:
        return f"{n / 1024:g} KB"
    return f"{n} 字节"
