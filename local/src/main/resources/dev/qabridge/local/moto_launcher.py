"""Starts moto_server (arguments as for moto_server) with one fix for running many executions.

moto 5.2's StartExecution deep-copies the state machine together with the executions it has already
run, which hold locks and cannot be copied: the second execution of a state machine fails with a 500
("cannot pickle '_thread.RLock' object"). An execution only needs the definition, so the copy leaves
the list of executions out. Nothing else of moto is changed.
"""
import copy
import sys

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

from moto.server import main  # noqa: E402

sys.exit(main())
