"""The API documentation page works offline: its scripts come from the app, not a CDN."""

import re


def test_swagger_ui_loads_no_external_assets(client, people):
    client.force_login(people.registrar)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui" in asset for asset in assets)
    assert [a for a in assets if a.startswith(("http://", "https://", "//"))] == []
