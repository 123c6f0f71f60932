from tests.scenes import when
from xinfang.petitions.models import Status


def test_transfer_accept_reply_deliver(scene, org, people, issued):
    petition = scene.petition()
    assert petition.next_due_stage == "route"
    handler = scene.route_and_accept(petition)
    assert petition.status == Status.ACCEPTED
    scene.do(petition, "reply", handler, "2026-04-01", opinion="support", text="予以支持")
    event = scene.do(petition, "deliver", handler, "2026-04-03", method="post", received_on="2026-04-03")
    assert petition.status == Status.CONCLUDED
    assert event.from_status == Status.REPLIED
    assert petition.version == 6  # register, transfer, sign for, accept, reply, deliver
    assert petition.concluded_at == when("2026-04-03")
    assert [kind for _, kind in issued] == ["transfer_notice", "acceptance_notice", "handling_opinion"]
