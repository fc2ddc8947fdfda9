"""The 全銀 download every 総合振込 screen answers with (fukushi.views.furikomi)."""

from __future__ import annotations

import pytest

from fukushi.views.furikomi import furikomi_response


def test_the_file_is_an_attachment_with_its_bytes_unchanged():
    # given: a 全銀 file (cp932 bytes, CRLF records)
    data = "1210001234567890ﾊﾔﾏﾏﾁ".encode("cp932") + b"\r\n"
    # when
    response = furikomi_response(data, "kogaku_furikomi_12.txt")
    # then
    assert response.content == data
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="kogaku_furikomi_12.txt"'


@pytest.mark.parametrize(
    "filename",
    ["高橋和子_furikomi.txt", "..", 'a".txt', "a b.txt", "../x.txt\r\n", "", "x/y.txt"],
)
def test_a_name_that_is_not_codes_and_numbers_is_refused(filename):
    with pytest.raises(ValueError):
        furikomi_response(b"x", filename)
