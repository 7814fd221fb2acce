"""Starts moto_server (arguments as for moto_server) with two fixes for running many executions.

1. moto 5.2's StartExecution deep-copies the state machine together with the executions it has
   already run, which hold locks and cannot be copied: the second execution of a state machine fails
   with a 500 ("cannot pickle '_thread.RLock' object"). An execution only needs the definition, so the
   copy leaves the list of executions out.
2. StartExecution checks that no execution has the name yet and then appends the new one, without a
   lock: two concurrent starts of one name could both pass the check. AWS guarantees one execution per
   name (the bridge's dedupe relies on it), so the check and the append are made one step here.
Nothing else of moto is changed.
"""
import copy
import functools
import sys
import threading

from moto.stepfunctions.models import StateMachine


def _deepcopy_without_executions(self, memo):
    cls = self.__class__
    clone = cls.__new__(cls)
    memo[id(self)] = clone
    for key, value in self.__dict__.items():
        setattr(clone, key, [] if key == "executions" else copy.deepcopy(value, memo))
    return clone


if "__deepcopy__" not in StateMachine.__dict__:
    StateMachine.__deepcopy__ = _deepcopy_without_executions

_start_lock = threading.Lock()
_start_execution = StateMachine.start_execution


@functools.wraps(_start_execution)
def _start_execution_atomically(self, *args, **kwargs):
    with _start_lock:
        return _start_execution(self, *args, **kwargs)


StateMachine.start_execution = _start_execution_atomically

from moto.server import main  # noqa: E402

sys.exit(main())
