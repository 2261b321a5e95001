"""One adapter from a pydantic error to `file:line:column: path: message`, for every configuration file."""
import pytest

from evidence.gate.config import ConfigError, load_config
from evidence.policy.catalog import load_catalog
from evidence.policy.errors import PolicyInputError
from evidence.policy.loader import load_subject
from evidence.validation import InvalidFile, element_path

CONTROL = """version: 1
name: test
controls:
  - id: X-1
    title: t
    statement: s
    applies_to: [security-group]
    query:
      kind: no-world-ingress
      protocol: tcp
      ports: [22, {PORT}]
    mappings: {nist-800-53r5: [SC-7]}
"""


def refused(kind, load, tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(kind) as caught:
        load(path)
    assert isinstance(caught.value, InvalidFile) and caught.value.file == str(path)
    return str(caught.value).removeprefix(str(path))


def test_a_catalog_error_names_its_line_column_and_path(tmp_path):
    assert refused(PolicyInputError, load_catalog, tmp_path, "c.yaml", CONTROL.replace("{PORT}", "70000")) == \
        ":11:19: controls[0].query.ports[1]: 70000 is out of range 0..65535"
    unknown = CONTROL.replace("{PORT}", "80").replace("      ports", "      port: 3\n      ports")
    assert refused(PolicyInputError, load_catalog, tmp_path, "c.yaml", unknown).startswith(
        ":11:7: controls[0].query.port: unknown element (expected one of: kind, protocol, ports)")


def test_a_key_given_twice_is_refused_where_it_stands(tmp_path):
    """yaml.safe_load would keep the second silently: a typo could replace a control's query."""
    twice = CONTROL.replace("{PORT}", "80") + "    mappings: {soc2-tsc: [CC6.6]}\n"
    assert refused(PolicyInputError, load_catalog, tmp_path, "c.yaml", twice) == \
        ":13:5: controls[0].mappings: element given twice"
    assert refused(ConfigError, load_config, tmp_path, "g.yaml", "required: [A]\nrequired: [B]\n") == \
        ":2:1: required: key given twice"


def test_the_first_error_is_the_first_a_reader_meets(tmp_path):
    """In a mapping: its unknown keys, then what it lacks, then its values in order."""
    text = "exceptions: [{control: A, owner: o, reason: r, expires: soon}]\nrequird: [A]\n"
    assert refused(ConfigError, load_config, tmp_path, "g.yaml", text).startswith(":2:1: requird: unknown key")
    text = "exceptions: [{control: A, owner: o, reason: r, expires: soon}]\n"
    assert refused(ConfigError, load_config, tmp_path, "g.yaml", text) == \
        ":1:1: missing 'required' (the list of controls that must PASS)"
    text = "required: [A]\nexceptions: [{control: '1', owner: '', reason: r, expires: soon}]\n"
    assert refused(ConfigError, load_config, tmp_path, "g.yaml", text).startswith(":2:24: exceptions[0].control:")


def test_subject_files_yaml_with_positions_json_without(tmp_path):
    yaml_text = "kind: security-group\nid: sg\naccount: '1234'\ndocument: {GroupId: sg-1}\n"
    assert refused(PolicyInputError, load_subject, tmp_path, "sg.yaml", yaml_text) == \
        ":3:10: account: expected a 12-digit account id (quoted in YAML), got '1234'"
    json_text = '{"kind": "security-group", "id": "sg", "account": "1234", "document": {"GroupId": "sg-1"}}'
    assert refused(PolicyInputError, load_subject, tmp_path, "sg.json", json_text) == \
        ": account: expected a 12-digit account id (quoted in YAML), got '1234'"


def test_element_paths():
    assert element_path(("exceptions", 1, "expires")) == "exceptions[1].expires"
    assert element_path(("Statement", 2, "Condition", "aws:x")) == "Statement[2].Condition.aws:x"
    assert element_path(()) == ""
