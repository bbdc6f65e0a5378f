"""The row labels of the statutory 表三 as reports print them, for the property tests
(tests/test_layouts_property.py, tests/test_tables_property.py). Written out here, not
taken from scorer.tables.labels, so the tests do not check the reader against itself."""
from __future__ import annotations

GROUPS = {  # the first row of a group carries the group's label
    "granted": "三、本年度办理结果",
    "denied_state_secret": "（三）不予公开",
    "unable_not_held": "（四）无法提供",
    "rejected_petition": "（五）不予处理",
    "other_no_correction": "（六）其他处理",
}
ITEM = {  # the row's own label, without its group
    "new": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partial": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "denied_state_secret": "1.属于国家秘密",
    "denied_law_prohibited": "2.其他法律行政法规禁止公开",
    "denied_three_safety": "3.危及“三安全一稳定”",
    "denied_third_party": "4.保护第三方合法权益",
    "denied_internal_affairs": "5.属于三类内部事务信息",
    "denied_process_info": "6.属于四类过程性信息",
    "denied_enforcement_file": "7.属于行政执法案卷",
    "denied_inquiry": "8.属于行政查询事项",
    "unable_not_held": "1.本机关不掌握相关政府信息",
    "unable_needs_creation": "2.没有现成信息需要另行制作",
    "unable_unclear": "3.补正后申请内容仍不明确",
    "rejected_petition": "1.信访举报投诉类申请",
    "rejected_duplicate": "2.重复申请",
    "rejected_publication": "3.要求提供公开出版物",
    "rejected_excessive": "4.无正当理由大量反复申请",
    "rejected_confirmation": "5.要求行政机关确认或重新出具已获取信息",
    "other_no_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other_unpaid_fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other_misc": "3.其他",
    "other": "（六）其他处理",
    "total": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
}


def label_parts(key: str, variant: str) -> list[str]:
    """The printed label of a row: its group's label (first row of a group) and its own."""
    group = GROUPS.get(key)
    if key == "other_no_correction" and variant == "2019":
        group = None
    return ([group] if group else []) + [ITEM[key]]
