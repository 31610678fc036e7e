"""Hostile values in the places a value reaches: an overlay's numbers, the pager the user names, a
diagram's labels, and the cache's temporary files. Each reproduced first, then shown to end in one
clean line with the documented exit code, or in inert output."""
import os

import pytest
from hostile import entity, ics, one_error_line

# --------------------------------------------------------------------------- numbers past Python's digit limit


@pytest.mark.parametrize("command,number,cache", [
    (["validate", "{dir}"], "9" * 5000, False),
    (["explain", "icb", "--data", "{dir}"], "-" + "1" * 4301, True),
    (["systems", "--data", "{dir}"], "+" + "5" * 6000, False)])
def test_an_overlay_integer_past_pythons_digit_limit_is_a_data_error_at_its_line(tmp_path, command, number, cache):
    overlay = tmp_path / "ov"
    overlay.mkdir()
    (overlay / "numbers.yaml").write_text("entities:\n" + entity("big-number", counts=number))
    argv = [arg.replace("{dir}", str(overlay)) for arg in command]
    result = ics(*argv, env={} if cache else {"ICS_NO_CACHE": "1"})
    assert result.returncode == 1 and b"Traceback" not in result.stderr, result.stderr.decode()[-500:]
    digits = sum(c.isdigit() for c in number)
    said = f"numbers.yaml:8: an integer of {digits:,} digits, more than Python reads (4,300 at most)"
    if command[0] == "validate":  # every problem listed on standard output
        assert said in result.stdout.decode(), result.stdout.decode()
    else:
        assert one_error_line(result.stderr).endswith(said), result.stderr.decode()
