"""The model and rule registries (snn/neurons/registry.h, snn/plasticity/registry.h) are the one list of
what snn has: the Python classes, the NEST aliases and the documentation are derived from them or
checked against them here."""
import inspect
import re

import pytest
import torch

import snn
from snn import _snn

MODELS = _snn.model_registry()
RULES = _snn.rule_registry()


def doc_section(path, name):
    """The section '## <name> ...' (or '## ... and <name> ...') of a docs page, up to the next '## '."""
    text = open(path).read()
    for block in text.split("\n## ")[1:]:
        title = block.split("\n")[0]
        if re.search(rf"(^|\s){re.escape(name)}(\s|$)", title):
            return block
    raise AssertionError(f"{path} has no section for {name}")


@pytest.mark.parametrize("name, nest_name, summary", MODELS)
def test_every_model_has_its_python_class_and_nest_alias(name, nest_name, summary):
    cls = getattr(snn, name)
    assert issubclass(cls, snn.Model) and cls.model == name
    if nest_name:
        assert getattr(snn, nest_name) is cls
    assert summary


def test_every_python_model_class_is_registered():
    registered = {name for name, _, _ in MODELS}
    classes = {c.model for c in vars(snn).values() if inspect.isclass(c) and issubclass(c, snn.Model) and c.model}
    assert classes == registered


@pytest.mark.parametrize("name, nest_name, summary", MODELS)
def test_models_doc_lists_every_parameter_with_its_default(repo, name, nest_name, summary):
    section = doc_section(f"{repo}/docs/models.md", name)
    for param, default, unit, _, per_neuron in _snn.model_params(name):
        row = re.search(rf"\| `{param}` \| ([^|]+) \|", section)
        assert row, f"docs/models.md: {name} lacks parameter {param}"
        assert float(row.group(1)) == default, f"docs/models.md: {name}.{param} default {row.group(1)} != {default}"
    for state, _ in _snn.model_state(name):
        assert f"`{state}`" in section, f"docs/models.md: {name} lacks state variable {state}"


@pytest.mark.parametrize("name, nest_name, signal, summary", RULES)
def test_every_rule_has_its_python_class_nest_alias_and_default_signal(name, nest_name, signal, summary):
    cls = getattr(snn, name)
    assert issubclass(cls, snn.plasticity.Rule) and cls.rule == name
    if nest_name:
        assert getattr(snn, nest_name) is cls
    assert (cls().signal or "") == signal


def test_every_python_rule_class_is_registered():
    registered = {name for name, *_ in RULES}
    classes = {c.rule for c in vars(snn).values() if inspect.isclass(c) and issubclass(c, snn.plasticity.Rule) and c.rule}
    assert classes == registered


@pytest.mark.parametrize("name, nest_name, signal, summary", RULES)
def test_plasticity_doc_names_every_parameter(repo, name, nest_name, signal, summary):
    section = doc_section(f"{repo}/docs/plasticity.md", name)
    for param, *_ in _snn.plasticity_params(name):
        assert param in section, f"docs/plasticity.md: {name} does not mention parameter {param}"


def test_engine_doc_lists_every_home(repo):
    """docs/engine.md's layout names the home of every model and rule that the registries' headers list."""
    doc = open(f"{repo}/docs/engine.md").read()
    for header in ("snn/neurons/registry.h", "snn/plasticity/registry.h"):
        table = "".join(line for line in open(f"{repo}/{header}") if line.startswith("//"))
        for home in set(re.findall(r"snn/(?:neurons|plasticity)/\w+\.h", table)) - {header}:
            assert home in doc, f"docs/engine.md does not mention {home}"


def test_unknown_names_list_the_registry():
    with pytest.raises(ValueError, match="unknown model 'hh_psc_alpha'; models: LIF, iaf_psc_delta"):
        _snn.check_model("hh_psc_alpha", 1, {}, [])
    with pytest.raises(ValueError, match="unknown plasticity rule 'bcm'; rules: STDP, stdp_synapse"):
        _snn.check_rule("bcm", {}, "")
