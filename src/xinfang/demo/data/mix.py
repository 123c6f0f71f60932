"""The intake mix of the demo county: how petitions arrive, after the proportions in the seeds' reports
(about half online, a quarter visits, a fifth sent down from above, one in ten a repeat)."""

# Channel → weight. The online-share channels (online, wechat, mobile, leader mailbox, sms) make ~50%.
CHANNEL_WEIGHTS = {
    "online": 30,
    "wechat": 8,
    "mobile": 4,
    "leader_mailbox": 5,
    "sms": 2,
    "phone": 12,
    "letter": 12,
    "visit": 25,
    "video": 1,
    "fax": 1,
}
SOURCE_WEIGHTS = {"direct": 80, "referred_from_above": 18, "inspection_handover": 2}
# Which level sent a matter down; a visit sent down was made at that level (进京、赴省、到市访).
SOURCE_LEVEL_WEIGHTS = {"national": 15, "province": 35, "city": 50}
SOURCE_ACTION_WEIGHTS = {"transfer": 70, "assign": 30}

COLLECTIVE_VISIT_SHARE = 0.14  # of visits on a matter that a group can raise
JOINT_LETTER_SHARE = 0.15  # of letters and online petitions on such a matter
REPEAT_SHARE = 0.12  # of individual petitions, when an earlier matter of the kind is open to repeat
REPEAT_PRONE_SHARE = 0.35  # of individual claims: matters whose petitioner may come again
REPEAT_AFTER_DAYS = (20, 300)  # a repeat comes this many days after the earlier petition
CONFIDENTIAL_SHARE = {"accusation": 0.4, "other": 0.01}  # asks that identity be kept confidential
NO_ID_NUMBER_SHARE = 0.1  # of phone calls: the caller gave no ID number
NO_PHONE_SHARE = 0.2  # of letters: no phone number given

# Where the matter happened, relative to where the petitioner lives.
ISSUE_AT = {"village": 65, "township": 25, "county": 10}
# People per township kind: the county town's 街道 are more populous than rural 乡镇.
PEOPLE_PER_PLACE = {"town": 3, "rural": 1}
