"""What a registration (登记) is given and what it gives back: the input of `registration.register`.

The UI forms, the API, the portal, the importer and the demo generator all describe a petition with these
dataclasses; none of them builds a `Petition` row itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from xinfang.orgs.models import OrgUnit, Region, User

from .models import Category, PartyRole, Petition, Source


@dataclass
class PartyInput:
    name: str
    id_number: str = ""
    phone: str = ""
    address: str = ""
    role: str = PartyRole.PRINCIPAL
    region: Region | None = None  # where the person lives (区划), when known: set on a petitioner made new


@dataclass
class AttachmentInput:
    name: str
    content: bytes


@dataclass
class Registration:
    channel: str
    received_at: dt.datetime
    petition_class: str
    category: Category
    issue_region: Region
    summary: str
    content: str
    parties: list[PartyInput]
    person_count: int | None = None
    visit_level: str = ""
    source: str = Source.DIRECT
    source_level: str = ""
    source_action: str = ""
    subject_unit: OrgUnit | None = None
    subject_person: str = ""
    # 领导信箱 only: the leader written to (a user with a leader role) and their post as the reply names it.
    addressed_leader: User | None = None
    addressed_leader_post: str = ""
    repeat_of: Petition | None = None
    identity_confidential: bool = False
    external_id: str | None = None
    attachments: list[AttachmentInput] = field(default_factory=list)
    receiving_unit: OrgUnit | None = None  # the importer names it; otherwise the registrar's unit
    # When the registrar registered it: now, unless it was registered earlier than it is written (the demo
    # county's generated year); between receipt and now.
    registered_at: dt.datetime | None = None


@dataclass(frozen=True)
class Registered:
    petition: Petition
    query_code: str
