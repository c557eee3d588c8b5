"""environ: environment variables and signal handlers set for a block, then put back."""

from __future__ import annotations

import os
import signal
import threading

from pagesieve.environ import environ_set, signal_set


def test_environ_set_restores_every_key() -> None:
    os.environ["PAGESIEVE_TEST_OLD"] = "old"
    os.environ.pop("PAGESIEVE_TEST_NEW", None)
    try:
        with environ_set({"PAGESIEVE_TEST_OLD": "new"}, defaults={"PAGESIEVE_TEST_NEW": "d"}):
            assert os.environ["PAGESIEVE_TEST_OLD"] == "new"
            assert os.environ["PAGESIEVE_TEST_NEW"] == "d"
        assert os.environ["PAGESIEVE_TEST_OLD"] == "old"
        assert "PAGESIEVE_TEST_NEW" not in os.environ
    finally:
        os.environ.pop("PAGESIEVE_TEST_OLD", None)


def test_signal_set_in_the_main_thread_only() -> None:
    before = signal.getsignal(signal.SIGUSR1)

    def handler(signum: int, frame: object) -> None:
        pass

    with signal_set(signal.SIGUSR1, handler) as handled:
        assert handled and signal.getsignal(signal.SIGUSR1) is handler
    assert signal.getsignal(signal.SIGUSR1) is before
    got: list[bool] = []

    def elsewhere() -> None:
        with signal_set(signal.SIGUSR1, handler) as handled:
            got.append(handled)

    t = threading.Thread(target=elsewhere)
    t.start()
    t.join()
    assert got == [False] and signal.getsignal(signal.SIGUSR1) is before


def test_signal_held_delivers_what_came_meanwhile() -> None:
    """Held, not ignored: a signal that comes inside the block arrives when it ends. (Sent to
    this thread: one sent to the process may be taken by another thread that does not hold
    it, and a test run has other threads.)"""
    import threading

    from pagesieve.environ import signal_held

    got: list[int] = []
    old = signal.signal(signal.SIGUSR1, lambda signum, frame: got.append(signum))
    try:
        with signal_held(signal.SIGUSR1):
            signal.pthread_kill(threading.get_ident(), signal.SIGUSR1)
            assert got == []
        assert got == [signal.SIGUSR1]
        assert signal.SIGUSR1 not in signal.pthread_sigmask(signal.SIG_BLOCK, [])
    finally:
        signal.signal(signal.SIGUSR1, old)
