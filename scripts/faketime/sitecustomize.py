"""Only for running the suite under Debian's libfaketime 0.9.10 with FAKETIME_DONT_FAKE_MONOTONIC=1:
that version breaks clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME), which Python 3.11's time.sleep
uses (libfaketime issue #426: EINVAL). Sleep with a relative select() timeout instead. (Faking the
monotonic clock instead hangs threading's timed waits: libfaketime issue #390.)"""

import select
import time

_real_sleep = time.sleep


def _sleep(seconds):
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        select.select([], [], [], left)


time.sleep = _sleep
