from __future__ import annotations

from pathlib import Path

import pytest

from common.messaging.inprocess import InProcessBus
from common.messaging.port import Record
from common.messaging.worker import DEAD_LETTER_TOPIC, DeadLetter
from contracts.events import OFFERS_TOPIC
from maillage.cli import main


def test_list_then_replay_sends_records_home_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MAILLAGE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MAILLAGE_KAFKA_BOOTSTRAP", raising=False)
    monkeypatch.setattr("common.messaging.dead_letter_box.IDLE_S", 0.3)
    bus = InProcessBus(str(tmp_path / "bus.db"))
    letter = DeadLetter.of(Record(OFFERS_TOPIC, 1, 7, "k", b"payload"), "handler failed")
    publisher = bus.publisher()
    publisher.publish(DEAD_LETTER_TOPIC, "k", letter.model_dump_json().encode())
    publisher.flush()

    assert main(["dlq", "list"]) == 0
    assert "1 dead letter(s)" in capsys.readouterr().out
    assert main(["dlq", "replay"]) == 0
    assert main(["dlq", "replay"]) == 0
    replayed = bus.subscribe("check", [OFFERS_TOPIC]).poll(0)
    assert [(r.key, r.value) for r in replayed] == [("k", b"payload")]
