"""Renders the subset of Kustomize that deploy/k8s uses, so the manifest tests need no kubectl.

Kustomization fields: `resources` (files, and directories holding a kustomization.yaml), `namespace`,
`images` and `patches`: a JSON 6902 list (add, replace, remove) with a `target` selecting by kind and name,
or a strategic-merge patch of maps only (e.g. a ConfigMap's data). Transformers run in Kustomize's order
(patches, namespace, images). Anything else raises NotImplementedError instead of rendering something Kustomize
would not; test_the_renderer_agrees_with_kubectl compares the two where kubectl is installed.
"""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

FIELDS = {"apiVersion", "kind", "resources", "namespace", "images", "patches"}
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PriorityClass",
                  "StorageClass", "PersistentVolume"}


def render(directory: Path) -> list[dict]:
    spec = yaml.safe_load((directory / "kustomization.yaml").read_text())
    if unknown := set(spec) - FIELDS:
        raise NotImplementedError(f"{directory}: kustomization fields {sorted(unknown)} are not supported here")
    resources: list[dict] = []
    for entry in spec.get("resources", []):
        path = (directory / entry).resolve()
        resources += render(path) if path.is_dir() else [d for d in yaml.safe_load_all(path.read_text()) if d]
    for patch in spec.get("patches", []):
        _patch(resources, directory, patch)
    if namespace := spec.get("namespace"):
        for resource in resources:
            if resource["kind"] not in CLUSTER_SCOPED:
                resource["metadata"]["namespace"] = namespace
    for image in spec.get("images", []):
        for resource in resources:
            _set_image(resource, image)
    keys = [key(resource) for resource in resources]
    if len(set(keys)) != len(keys):
        raise ValueError(f"{directory}: a resource is defined twice")
    return resources


def key(resource: dict) -> tuple[str, str, str]:
    return resource["kind"], resource["metadata"].get("namespace", ""), resource["metadata"]["name"]


def _patch(resources: list[dict], directory: Path, entry: dict) -> None:
    if unknown := set(entry) - {"path", "patch", "target"}:
        raise NotImplementedError(f"patch fields {sorted(unknown)}")
    body = yaml.safe_load(entry["patch"] if "patch" in entry else (directory / entry["path"]).read_text())
    if isinstance(body, list):  # JSON 6902
        targets = [r for r in resources if _selected(r, entry["target"])]
        if not targets:
            raise ValueError(f"patch {entry} selects nothing")
        for resource in targets:
            for operation in body:
                _json6902(resource, operation)
        return
    target = entry.get("target") or {"kind": body["kind"], "name": body["metadata"]["name"]}
    targets = [r for r in resources if _selected(r, target)]
    if len(targets) != 1:
        raise ValueError(f"strategic-merge patch {entry} selects {len(targets)} resources")
    _merge(targets[0], {k: v for k, v in body.items() if k not in ("apiVersion", "kind")})


def _selected(resource: dict, target: dict) -> bool:
    if unknown := set(target) - {"kind", "name"}:
        raise NotImplementedError(f"patch target fields {sorted(unknown)}")
    return all(resource["kind"] == value if field == "kind" else resource["metadata"]["name"] == value
               for field, value in target.items())


def _merge(into: dict, patch: dict) -> None:
    for field, value in patch.items():
        if value is None:
            into.pop(field, None)
        elif isinstance(value, dict) and isinstance(into.get(field), dict):
            _merge(into[field], value)
        elif isinstance(value, list):
            raise NotImplementedError("strategic-merge patches of lists (Kustomize merges them by key)")
        else:
            into[field] = copy.deepcopy(value)


def _json6902(document: dict, operation: dict) -> None:
    op, path = operation["op"], operation["path"]
    if op not in ("add", "replace", "remove"):
        raise NotImplementedError(f"JSON patch op {op}")
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in path.lstrip("/").split("/")]
    parent = document
    for token in tokens[:-1]:
        parent = parent[int(token)] if isinstance(parent, list) else parent[token]
    last = tokens[-1]
    if isinstance(parent, list):
        index = len(parent) if last == "-" else int(last)
        if op == "add":
            parent.insert(index, copy.deepcopy(operation["value"]))
        elif op == "replace":
            parent[index] = copy.deepcopy(operation["value"])
        else:
            del parent[index]
        return
    if op in ("replace", "remove") and last not in parent:
        raise KeyError(f"JSON patch {op} of a missing {path}")
    if op == "remove":
        del parent[last]
    else:
        parent[last] = copy.deepcopy(operation["value"])


def _set_image(node, image: dict) -> None:
    """Every container image named image["name"] (tag or digest aside) gets newName / newTag / digest."""
    if isinstance(node, list):
        for item in node:
            _set_image(item, image)
        return
    if not isinstance(node, dict):
        return
    for field in ("containers", "initContainers"):
        for container in node.get(field) or []:
            name, tag = _split_image(container["image"])
            if name == image["name"]:
                name = image.get("newName", name)
                if "digest" in image:
                    container["image"] = f"{name}@{image['digest']}"
                else:
                    new_tag = image.get("newTag", tag)
                    container["image"] = f"{name}:{new_tag}" if new_tag else name
    for value in node.values():
        _set_image(value, image)


def _split_image(image: str) -> tuple[str, str]:
    name = image.split("@", 1)[0]
    head, _, tail = name.rpartition(":")
    return (head, tail) if head and "/" not in tail else (name, "")
