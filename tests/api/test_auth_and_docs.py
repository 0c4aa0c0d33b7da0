import pytest
from rest_framework.test import APIClient

from conftest import DEMO_PASSWORD
from tests.api.clients import client_for

pytestmark = pytest.mark.django_db


def test_a_token_from_username_and_password_signs_the_client_in(demo):
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"username": "kz-coordinator", "password": DEMO_PASSWORD},
                           format="json")
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.data['token']}")
    assert client.get("/api/v1/cases/").status_code == 200


def test_a_wrong_password_gets_no_token(demo):
    response = APIClient().post("/api/v1/auth/token/", {"username": "kz-coordinator", "password": "nope"},
                                format="json")
    assert response.status_code == 400
    assert "token" not in response.data


def test_a_session_works_too(persona):
    client = APIClient()
    client.force_login(persona("kz-coordinator"))
    assert client.get("/api/v1/cases/").status_code == 200


def test_anonymous_clients_are_refused(demo):
    assert APIClient().get("/api/v1/cases/").status_code == 401
    assert APIClient().get("/api/v1/agencies/").status_code == 401


def test_any_signed_in_user_lists_agencies_page_by_page(persona):
    from agencies.models import Agency

    client = client_for(persona("ua-ombudsman"))
    page = client.get("/api/v1/agencies/", {"page_size": 20}).json()
    assert len(page["results"]) == 20
    agencies = page["results"]
    while page["next"]:
        page = client.get(page["next"]).json()
        agencies += page["results"]
    # Every agency once, the last page saying there is no next one.
    assert sorted(a["id"] for a in agencies) == sorted(Agency.objects.values_list("pk", flat=True))
    school = next(a for a in agencies if a["code"] == "kz-school-1")
    assert school["kind"] == "school" and school["jurisdiction"] == "KZ"
    assert school["region"] == "Алматы облысы" and school["district"] == "Қонаев қаласы"
    national = next(a for a in agencies if a["code"] == "kz-bku")
    assert national["region"] is None and national["district"] is None


def test_the_openapi_schema_is_served_to_signed_in_users(persona):
    assert APIClient().get("/api/schema/").status_code == 401
    response = client_for(persona("kz-coordinator")).get("/api/schema/",
                                                         HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/cases/", "/api/v1/cases/{case_id}/", "/api/v1/cases/{case_id}/parties/",
            "/api/v1/agencies/", "/api/v1/auth/token/"} <= set(paths)


def test_the_docs_page_loads_its_assets_from_the_app_not_a_cdn(persona):
    assert APIClient().get("/api/docs/").status_code in (401, 403)
    client = APIClient()
    client.force_login(persona("kz-coordinator"))
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower()
    # Its set-up is a script file, not inline (Content-Security-Policy).
    assert "<script>" not in page and "<style>" not in page
    assert client.get("/api/docs/?script").status_code == 200


def test_the_schema_is_generated_without_warnings(tmp_path):
    """A warning means an ambiguous schema for clients (two choice sets under one enum name, two
    operations with one id): the generator is told to fail on any."""
    from django.core.management import call_command

    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yaml"))
    assert "/api/v1/actions/{id}/" in (tmp_path / "schema.yaml").read_text()
