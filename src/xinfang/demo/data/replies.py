"""Texts of the workflow actions a demo history contains: replies, notices and reasons (see demo/plans.py)."""

REPLY_TEXTS = {
    "support": [
        "经调查核实，您反映的问题基本属实。我单位已责成相关责任方限期整改，并将跟踪落实到位。",
        "经核查，您的诉求符合政策规定，予以支持。相关款项（待遇）将于近期落实，请保持电话畅通。",
    ],
    "explain": [
        "经调查了解，您反映的问题已有相关政策规定，现将有关政策及办理情况向您解释说明如下，请予理解。",
        "经核实，相关部门已按程序办理，您所反映的情况系对政策理解有误，已当面向您作了解释说明。",
    ],
    "not_support": [
        "经调查核实，您的诉求缺乏事实和政策依据，不予支持。如不服本意见，可自收到之日起30日内请求复查。",
        "经核查，您反映的问题与事实不符，依据相关规定不予支持。",
    ],
}
ON_SPOT_TEXTS = {
    "explained": "接访人员当场解答了相关政策，信访人表示理解。",
    "resolved": "经现场协调，相关单位当场答应解决，信访人表示满意。",
    "directed": "已告知信访人通过相应法定途径解决，并引导其到有关部门办理。",
}
LEGAL_ROUTE_BODY = "伏牛县人民法院"
LEGAL_ROUTE_TEXT = "该事项属于诉讼程序解决范围，已告知信访人依法向人民法院提起诉讼。"
DECLINE_TEXT = "该事项正在办理期限内，依据《信访工作条例》第十九条不予重复受理，已告知信访人。"
OBJECTION_REASON = "经研究，该事项不属于本单位职责范围，建议转有权处理单位。"
EXTENSION_REASON = "情况复杂，需进一步调查核实，申请延期办理。"
REVIEW_TEXT = "经复查，原处理意见认定事实清楚，适用政策正确，予以维持。"
RE_REVIEW_TEXT = "经复核，原处理意见和复查意见认定事实清楚，处理适当，予以维持。本复核意见为终结意见。"
# Why a petitioner is not satisfied (a reason is required with 不满意).
DISSATISFIED_REASONS = [
    "问题至今没有实际解决。",
    "答复内容避重就轻，没有回应我的主要诉求。",
    "办理时间太长，工作人员态度敷衍。",
]
