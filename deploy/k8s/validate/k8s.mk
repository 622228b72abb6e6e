# Kubernetes manifests: render every overlay with kustomize and validate each object offline against the
# Kubernetes OpenAPI schemas and the operators' CRDs. The deployment policy itself is asserted by
# tests/unit/deploy, which `make test` runs with the rest (it needs the kustomize binary installed here).
.PHONY: k8s-check

k8s-check: install
	bash deploy/k8s/validate/check.sh
