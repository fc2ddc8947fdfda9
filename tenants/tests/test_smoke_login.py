from tests.personas import ALPHA_HOST


def test_clerk_logs_in_and_sees_town_menu(world, login):
    # given / when
    client = login("hayama-clerk", ALPHA_HOST)
    response = client.get("/")
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "葉山町" in body
    assert "住民基本台帳" in body
