"""Great Expectations validations remembered within a test process.

Most tests that run the quality stage run it on the shipped sample with one table changed
(a planted defect, a county file, a truncated year): validating the eight unchanged tables
again costs about 2 s a case and tells nothing new. GX's validation of a frame against a
list of expectation configurations is a pure function of the two (and the parameters and
the result format), so the first result for the same inputs, byte for byte, is handed out
again (a deep copy: the caller adds its run id to it). Everything around it runs as in
production: the suite and validation are added to the context, the result is stored and
Data Docs are built from it.

The key holds the pickled frame: two frames with the same pickle are the same frame, so a
remembered result can only be one GX would compute again; a frame built another way but
equal misses the memo and is validated, which costs time, never truth."""

from __future__ import annotations

import copy
import hashlib
import importlib
import json
import pickle

# the modules, not what the package exports under their names (quality.check is a function)
check = importlib.import_module("carbonpeak.quality.check")
gx = importlib.import_module("carbonpeak.quality.gx")

_results: dict[str, list] = {}
_installed = False


def _key(validator, configs, parameters) -> str | None:
    frame = (validator._batch_parameters or {}).get("dataframe")
    if frame is None:
        return None
    h = hashlib.sha256(pickle.dumps(frame, protocol=5))
    # without the id GX gives each expectation when its suite is added to a context
    h.update(json.dumps([{k: v for k, v in c.to_json_dict().items() if k != "id"}
                         for c in configs], sort_keys=True, default=str).encode())
    h.update(json.dumps(parameters or {}, sort_keys=True, default=str).encode())
    h.update(repr(validator.result_format).encode())
    return h.hexdigest()


def _memoise(validator_class) -> None:
    validate = validator_class._validate_expectation_configs

    def remembered(self, expectation_configs, expectation_parameters=None):
        key = _key(self, expectation_configs, expectation_parameters)
        if key is None:
            return validate(self, expectation_configs, expectation_parameters)
        if key not in _results:
            _results[key] = copy.deepcopy(
                validate(self, expectation_configs, expectation_parameters))
        return copy.deepcopy(_results[key])

    validator_class._validate_expectation_configs = remembered


def install() -> None:
    """From the first GX context on (GX is imported there, not before): validations are
    remembered."""
    real = gx._gx_context

    def context():
        global _installed
        pair = real()
        if not _installed:
            from great_expectations.validator.v1_validator import Validator

            _memoise(Validator)
            _installed = True
        return pair

    gx._gx_context = check._gx_context = context
