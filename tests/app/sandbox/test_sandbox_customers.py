"""Customers routes, through the official SDK."""

import uuid

import pytest
from plugipay import PlugipayError


def test_create_get_update(client):
    ext = f"till-{uuid.uuid4().hex[:6]}"
    c = client.customers.create(
        email="siti@example.com", name="Siti", phone="+628123", external_id=ext,
        tax_id="01.234.567.8-901.000", metadata={"tier": "gold"},
    )
    assert c["id"].startswith("cus_") and len(c["id"]) > 12
    assert c["externalId"] == ext and c["taxId"] == "01.234.567.8-901.000"
    assert c["metadata"] == {"tier": "gold"} and c["createdAt"].endswith("Z")
    assert client.customers.get(c["id"]).raw == c.raw
    updated = client.customers.update(c["id"], name="Siti Aminah")
    assert updated["name"] == "Siti Aminah" and updated["email"] == "siti@example.com"
    assert client.customers.get(c["id"])["name"] == "Siti Aminah"


def test_ids_are_random(client):
    a = client.customers.create(name="A")["id"]
    b = client.customers.create(name="B")["id"]
    assert a != b and a[4:] != b[4:]
    assert abs(int(a[4:], 16) - int(b[4:], 16)) > 1000


def test_list_filters(client):
    ext = f"ext-{uuid.uuid4().hex[:6]}"
    email = f"{uuid.uuid4().hex[:6]}@example.com"
    c = client.customers.create(email=email, external_id=ext)
    assert [x["id"] for x in client.customers.list(external_id=ext).data] == [c["id"]]
    assert [x["id"] for x in client.customers.list(email=email).data] == [c["id"]]
    after = client.customers.list(created_after=c["createdAt"]).data
    assert c["id"] not in [x["id"] for x in after]
    assert c["id"] in [x["id"] for x in client.customers.list(created_after="2000-01-01T00:00:00Z").data]


def test_list_pagination_and_order(client):
    tag = uuid.uuid4().hex[:6]
    ids = [client.customers.create(name=f"p{i}", email=f"{tag}-{i}@x.io")["id"] for i in range(5)]
    seen, cursor = [], None
    while True:
        page = client.customers.list(limit=2, cursor=cursor, order="asc", created_after="2000-01-01T00:00:00Z")
        seen += [x["id"] for x in page.data]
        if not page.has_more:
            break
        cursor = page.cursor
    assert [i for i in seen if i in ids] == ids
    newest = client.customers.list(limit=1).data[0]["id"]
    assert newest == ids[-1]  # default order is newest first


@pytest.mark.parametrize("kwargs", [{"email": "not-an-email"}, {"metadata": "x"}])
def test_validation(client, kwargs):
    with pytest.raises(PlugipayError) as err:
        client.customers.create(**kwargs)
    assert (err.value.status, err.value.code) == (400, "validation_error")


def test_unknown_field_and_bad_limit(client):
    with pytest.raises(PlugipayError) as err:
        client.request(method="POST", path="/api/v1/customers", body={"nmae": "typo"})
    assert err.value.code == "validation_error" and "nmae" in err.value.message
    with pytest.raises(PlugipayError) as err:
        client.customers.list(limit=1000)
    assert err.value.status == 400
    with pytest.raises(PlugipayError) as err:
        client.customers.list(cursor="garbage!")
    assert err.value.status == 400


def test_not_found(client):
    for call in (lambda: client.customers.get("cus_nope"), lambda: client.customers.update("cus_nope", name="x")):
        with pytest.raises(PlugipayError) as err:
            call()
        assert (err.value.status, err.value.code) == (404, "not_found")
