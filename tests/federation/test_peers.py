"""Registering peers: the command, its checks, the service user, the audit events, and the cached list of
active peers that ``perform`` reads."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from xinfang.audit.models import Event
from xinfang.federation import registry
from xinfang.federation.models import Peer
from xinfang.orgs.models import Role

pytestmark = pytest.mark.django_db


def _add(*extra, name="county", units="330102-XFJ"):
    out = io.StringIO()
    call_command(
        "peers",
        "add",
        name,
        "--url",
        "https://xf.county.example/",
        "--units",
        units,
        "--key-id",
        "city>county",
        "--secret",
        "s" * 40,
        "--peer-key-id",
        "county>city",
        "--peer-secret",
        "t" * 40,
        *extra,
        stdout=out,
    )
    return out.getvalue()


def test_peers_add_list_disable(org):
    assert "已登记联网实例“county”" in _add()
    peer = Peer.objects.get(name="county")
    user = peer.service_user
    assert user.unit == org.bureau and not user.has_usable_password()
    assert user.has_role(Role.HANDLER, Role.BUREAU_LEADER) and not user.has_role(Role.ADMIN)
    with connection.cursor() as cursor:  # the secrets are tokens at rest
        cursor.execute("SELECT outbound_secret, inbound_secret FROM federation_peer")
        assert all("s" * 40 not in value and "t" * 40 not in value for value in cursor.fetchone())
    assert [p.codes for p in registry.active()] == [frozenset({"330102-XFJ"})]
    out = io.StringIO()
    call_command("peers", "list", stdout=out)
    assert "county\t启用\thttps://xf.county.example/\t330102-XFJ" in out.getvalue()
    call_command("peers", "disable", "county", stdout=io.StringIO())
    assert registry.active() == []
    assert Event.objects.filter(action="federation_peer", target_id=str(peer.pk)).count() == 2


@pytest.mark.parametrize(
    ("units", "message"),
    [("NOPE-1", "本实例没有代表这些对端单位的单位：NOPE-1"), (",", "请至少填写一个对端单位代码")],
)
def test_peers_add_refuses_what_cannot_work(org, units, message):
    with pytest.raises(CommandError, match=message):
        _add(units=units)
    assert not Peer.objects.exists()


def test_a_second_peer_with_the_same_key_is_refused(org):
    _add()
    with pytest.raises(CommandError, match="对端密钥编号“county>city”已被使用"):
        _add(name="county2")


def test_no_peer_costs_a_cached_read(org, django_assert_num_queries):
    registry.forget()
    with django_assert_num_queries(1):
        assert registry.active() == []
    with django_assert_num_queries(0):
        assert registry.active() == []
