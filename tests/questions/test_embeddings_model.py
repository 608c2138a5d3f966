"""The embedding model: packaged, offline, pinned by hash, one small interface."""

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from questions.embeddings import model

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.once
def test_the_model_loads_and_embeds_offline_with_no_network():
    """In a fresh process with HF_HUB_OFFLINE=1 and every socket refused, the
    packaged model loads and gives unit vectors where a paraphrase is closer
    than an unrelated question."""
    script = textwrap.dedent(
        """
        import socket
        def refuse(*args, **kwargs):
            raise OSError("no network in this test")
        socket.socket.connect = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse
        import django
        django.setup()
        import numpy as np
        from questions.embeddings.model import embed
        v = embed([
            "Why is my validation loss lower than my training loss?",
            "Validation loss below the training loss: what can cause it?",
            "How does a random forest pick the feature for a split?",
        ])
        assert v.dtype == np.float32 and v.shape == (3, 384), (v.dtype, v.shape)
        assert np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-4)
        assert v[0] @ v[1] > 0.7 and v[0] @ v[2] < 0.3, (v[0] @ v[1], v[0] @ v[2])
        print("embedded offline")
        """
    )
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "DJANGO_SETTINGS_MODULE": "mlqa_site.settings.test",
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "embedded offline" in result.stdout


def _copy_model(tmp_path: Path) -> tuple[Path, Path]:
    files = model.configured_files()
    onnx, tokenizer = tmp_path / "model.onnx", tmp_path / "tokenizer.json"
    shutil.copyfile(files.onnx, onnx)
    shutil.copyfile(files.tokenizer, tokenizer)
    return onnx, tokenizer


def _point_at(settings, onnx: Path, tokenizer: Path, *, onnx_sha256=model.MODEL_SHA256):
    settings.MLQA_EMBEDDING_MODEL = {
        "onnx": str(onnx),
        "onnx_sha256": onnx_sha256,
        "tokenizer": str(tokenizer),
        "tokenizer_sha256": model.TOKENIZER_SHA256,
        "threads": 1,
    }


def test_a_tampered_model_file_is_refused(settings, tmp_path):
    onnx, tokenizer = _copy_model(tmp_path)
    data = bytearray(onnx.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one weight byte changed
    onnx.write_bytes(bytes(data))
    _point_at(settings, onnx, tokenizer)
    with pytest.raises(model.ModelUnavailable, match="not the pinned file"):
        model.embed(["anything"])


def test_a_tampered_tokenizer_is_refused(settings, tmp_path):
    onnx, tokenizer = _copy_model(tmp_path)
    tokenizer.write_text(tokenizer.read_text().replace('"[UNK]"', '"[UNKNOWN]"', 1))
    _point_at(settings, onnx, tokenizer)
    with pytest.raises(model.ModelUnavailable, match="not the pinned file"):
        model.embed(["anything"])


def test_a_model_without_a_hash_is_refused(settings, tmp_path):
    onnx, tokenizer = _copy_model(tmp_path)
    _point_at(settings, onnx, tokenizer, onnx_sha256="")
    with pytest.raises(model.ModelUnavailable, match="No sha256"):
        model.embed(["anything"])


def test_another_onnx_file_with_its_hash_is_used_through_the_same_interface(settings, tmp_path):
    onnx, tokenizer = _copy_model(tmp_path)
    _point_at(settings, onnx, tokenizer)
    vectors = model.embed(["What is dropout?", "What is dropout?"])
    assert vectors.dtype == np.float32
    assert vectors.shape == (2, 384)
    assert float(vectors[0] @ vectors[1]) == pytest.approx(1.0, abs=1e-5)
    assert model.get_embedder().model_id.startswith("model-")


def test_the_packaged_files_are_the_pinned_ones():
    files = model.configured_files()
    assert files.onnx.name == "model.onnx"
    assert files.onnx.stat().st_size == 22_928_619
    assert model.verified(files.onnx, model.MODEL_SHA256)
    assert model.verified(files.tokenizer, model.TOKENIZER_SHA256)
