// Command k8s-validate checks rendered Kubernetes manifests offline.
//
// Built-in kinds: strict decoding into the k8s.io/api types (unknown, duplicate and mistyped fields fail),
// then the Kubernetes OpenAPI v3 schema of the pinned release (required fields, types, enums), then the
// object metadata rules of the API server.
// Custom resources: the operator's CustomResourceDefinition, as the API server applies it: OpenAPI schema
// validation, unknown fields (pruning, reported as errors like `kubectl apply --validate=strict`) and the
// CRD's CEL rules (x-kubernetes-validations).
// Cross references inside one rendering: Deployment selectors match their pod template, Services, PDBs and
// NetworkPolicies select existing pods, HPAs target existing Deployments, ConfigMaps referenced exist,
// Ingress backends exist; Secrets not in the rendering are listed as expected to be created out of band.
//
// Usage: k8s-validate -openapi DIR -crds a.yaml,b.yaml [-unvalidated group/version,...] name=rendered.yaml ...
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	structuralpruning "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	apiservervalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/apimachinery/pkg/util/validation/field"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	"k8s.io/kube-openapi/pkg/validation/spec"
	"sigs.k8s.io/yaml"
)

// ---------------------------------------------------------------------------------------------- schemas

type crdVersion struct {
	source     string
	namespaced bool
	validator  apiservervalidation.SchemaValidator
	structural *structuralschema.Structural
	cel        *cel.Validator
}

type registry struct {
	openapiDir  string
	builtin     *runtime.Scheme
	strict      runtime.Decoder
	specs       map[string]map[string]any // group-version → components.schemas
	builtinVals map[schema.GroupVersionKind]apiservervalidation.SchemaValidator
	namespaced  map[schema.GroupVersionKind]bool
	crds        map[schema.GroupVersionKind]*crdVersion
	unvalidated map[string]bool // group/version accepted without an operator schema
}

func newRegistry(openapiDir string, crdFiles []string, unvalidated []string) (*registry, error) {
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		corev1.AddToScheme, appsv1.AddToScheme, batchv1.AddToScheme, autoscalingv2.AddToScheme,
		policyv1.AddToScheme, networkingv1.AddToScheme, rbacv1.AddToScheme,
	} {
		if err := add(scheme); err != nil {
			return nil, err
		}
	}
	r := &registry{
		openapiDir:  openapiDir,
		builtin:     scheme,
		strict:      serializer.NewCodecFactory(scheme, serializer.EnableStrict).UniversalDeserializer(),
		specs:       map[string]map[string]any{},
		builtinVals: map[schema.GroupVersionKind]apiservervalidation.SchemaValidator{},
		namespaced:  map[schema.GroupVersionKind]bool{},
		crds:        map[schema.GroupVersionKind]*crdVersion{},
		unvalidated: map[string]bool{},
	}
	for _, gv := range unvalidated {
		if gv != "" {
			r.unvalidated[gv] = true
		}
	}
	for _, f := range crdFiles {
		if f == "" {
			continue
		}
		if err := r.loadCRDs(f); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
	}
	return r, nil
}

func (r *registry) loadCRDs(path string) error {
	docs, err := splitYAML(path)
	if err != nil {
		return err
	}
	for _, doc := range docs {
		var crd apiextensionsv1.CustomResourceDefinition
		if err := yaml.UnmarshalStrict(doc, &crd); err != nil {
			return fmt.Errorf("CRD decoding: %w", err)
		}
		if crd.Kind != "CustomResourceDefinition" {
			continue
		}
		for _, v := range crd.Spec.Versions {
			if !v.Served || v.Schema == nil {
				continue
			}
			internal := &apiextensions.CustomResourceValidation{}
			if err := apiextensionsv1.Convert_v1_CustomResourceValidation_To_apiextensions_CustomResourceValidation(v.Schema, internal, nil); err != nil {
				return err
			}
			ss, err := structuralschema.NewStructural(internal.OpenAPIV3Schema)
			if err != nil {
				return fmt.Errorf("%s %s: structural schema: %w", crd.Name, v.Name, err)
			}
			val, _, err := apiservervalidation.NewSchemaValidator(internal.OpenAPIV3Schema)
			if err != nil {
				return fmt.Errorf("%s %s: %w", crd.Name, v.Name, err)
			}
			gvk := schema.GroupVersionKind{Group: crd.Spec.Group, Version: v.Name, Kind: crd.Spec.Names.Kind}
			r.crds[gvk] = &crdVersion{
				source:     filepath.Base(path),
				namespaced: crd.Spec.Scope == apiextensionsv1.NamespaceScoped,
				validator:  val,
				structural: ss,
				cel:        cel.NewValidator(ss, true, celconfig.PerCallLimit),
			}
		}
	}
	return nil
}

// builtinValidator returns the OpenAPI v3 validator of a built-in kind, with every $ref inlined.
func (r *registry) builtinValidator(gvk schema.GroupVersionKind) (apiservervalidation.SchemaValidator, error) {
	if v, ok := r.builtinVals[gvk]; ok {
		return v, nil
	}
	gv := gvk.GroupVersion()
	schemas, ok := r.specs[gv.String()]
	if !ok {
		name := "api__v1_openapi.json"
		if gv.Group != "" {
			name = fmt.Sprintf("apis__%s__%s_openapi.json", gv.Group, gv.Version)
		}
		raw, err := os.ReadFile(filepath.Join(r.openapiDir, name))
		if err != nil {
			return nil, fmt.Errorf("no OpenAPI document for %s: %w", gv, err)
		}
		var doc struct {
			Components struct {
				Schemas map[string]any `json:"schemas"`
			} `json:"components"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			return nil, err
		}
		schemas = doc.Components.Schemas
		r.specs[gv.String()] = schemas
	}
	for name, s := range schemas {
		m, _ := s.(map[string]any)
		gvks, _ := m["x-kubernetes-group-version-kind"].([]any)
		for _, g := range gvks {
			gm, _ := g.(map[string]any)
			if gm["group"] == gvk.Group && gm["version"] == gvk.Version && gm["kind"] == gvk.Kind {
				inlined := inline(m, schemas, map[string]bool{name: true})
				raw, err := json.Marshal(inlined)
				if err != nil {
					return nil, err
				}
				var sch spec.Schema
				if err := json.Unmarshal(raw, &sch); err != nil {
					return nil, err
				}
				v := apiservervalidation.NewSchemaValidatorFromOpenAPI(&sch)
				r.builtinVals[gvk] = v
				return v, nil
			}
		}
	}
	return nil, fmt.Errorf("kind %s is not served by Kubernetes at this version", gvk)
}

// inline replaces every "#/components/schemas/X" reference by a copy of X (a recursive type stops at {}).
func inline(node any, schemas map[string]any, seen map[string]bool) any {
	switch n := node.(type) {
	case map[string]any:
		if ref, ok := n["$ref"].(string); ok {
			name := strings.TrimPrefix(ref, "#/components/schemas/")
			if seen[name] {
				return map[string]any{}
			}
			next := map[string]bool{name: true}
			for k := range seen {
				next[k] = true
			}
			return inline(schemas[name], schemas, next)
		}
		out := make(map[string]any, len(n))
		for k, v := range n {
			if k == "description" || k == "example" {
				continue
			}
			// IntOrString is oneOf integer/string; its format is not one the validator knows.
			if k == "format" && v == "int-or-string" {
				continue
			}
			out[k] = inline(v, schemas, seen)
		}
		return out
	case []any:
		out := make([]any, len(n))
		for i, v := range n {
			out[i] = inline(v, schemas, seen)
		}
		return out
	default:
		return node
	}
}

// ---------------------------------------------------------------------------------------------- objects

type object struct {
	set    string // which rendering
	index  int
	raw    []byte // the YAML document
	u      *unstructured.Unstructured
	typed  runtime.Object
	errors []string
	how    string
}

func (o *object) gvk() schema.GroupVersionKind { return o.u.GroupVersionKind() }
func (o *object) id() string {
	ns := o.u.GetNamespace()
	if ns != "" {
		ns += "/"
	}
	return fmt.Sprintf("%s %s %s%s", o.u.GetAPIVersion(), o.u.GetKind(), ns, o.u.GetName())
}
func (o *object) fail(format string, args ...any) {
	o.errors = append(o.errors, fmt.Sprintf(format, args...))
}

func splitYAML(path string) ([][]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	reader := utilyaml.NewYAMLReader(bufio.NewReader(f))
	var docs [][]byte
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		if len(bytes.TrimSpace(doc)) == 0 || strings.TrimSpace(string(doc)) == "---" {
			continue
		}
		docs = append(docs, doc)
	}
}

func (r *registry) validate(o *object) {
	gvk := o.gvk()
	content := o.u.UnstructuredContent()
	// Metadata as the API server checks it (name syntax, labels, annotations).
	namespaced := true
	if crd, ok := r.crds[gvk]; ok {
		namespaced = crd.namespaced
	} else if gvk.Group == "rbac.authorization.k8s.io" && strings.HasPrefix(gvk.Kind, "Cluster") || gvk.Kind == "Namespace" {
		namespaced = false
	}
	meta := &metav1.ObjectMeta{
		Name: o.u.GetName(), Namespace: o.u.GetNamespace(), Labels: o.u.GetLabels(), Annotations: o.u.GetAnnotations(),
	}
	nameFn := apimachineryvalidation.NameIsDNSSubdomain
	if gvk.Kind == "Service" || gvk.Kind == "Namespace" {
		nameFn = apimachineryvalidation.NameIsDNS1035Label
	}
	for _, e := range apimachineryvalidation.ValidateObjectMetaAccessor(meta, namespaced, nameFn, field.NewPath("metadata")) {
		o.fail("%s", e.Error())
	}

	if r.builtin.Recognizes(gvk) {
		obj, _, err := r.strict.Decode(o.raw, nil, nil)
		if err != nil {
			o.fail("strict decoding into k8s.io/api: %v", err)
		} else {
			o.typed = obj
		}
		v, err := r.builtinValidator(gvk)
		if err != nil {
			o.fail("%v", err)
			return
		}
		for _, e := range apiservervalidation.ValidateCustomResource(nil, content, v) {
			o.fail("openapi: %s", e.Error())
		}
		o.how = "k8s.io/api strict + OpenAPI v3"
		return
	}
	if crd, ok := r.crds[gvk]; ok {
		for _, e := range apiservervalidation.ValidateCustomResource(nil, content, crd.validator) {
			o.fail("crd schema: %s", e.Error())
		}
		pruned := runtime.DeepCopyJSON(content)
		unknown := structuralpruning.PruneWithOptions(pruned, crd.structural, true,
			structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true})
		for _, p := range unknown {
			o.fail("unknown field %q (the API server would drop it)", p)
		}
		if crd.cel != nil {
			errs, _ := crd.cel.Validate(context.Background(), nil, crd.structural, content, nil, celconfig.RuntimeCELCostBudget)
			for _, e := range errs {
				o.fail("crd rule: %s", e.Error())
			}
		}
		o.how = "CRD " + crd.source
		return
	}
	if r.unvalidated[gvk.GroupVersion().String()] {
		o.how = "metadata only (no operator schema offline)"
		return
	}
	o.fail("no schema for %s: neither a built-in kind of this Kubernetes version nor a loaded CRD", gvk)
}

// ---------------------------------------------------------------------------------------------- cross refs

type podTemplate struct {
	owner  *object
	labels labels.Set
	ports  map[string]bool
}

func crossCheck(objs []*object) (external []string) {
	var pods []podTemplate
	deployments := map[string]*object{}
	configMaps := map[string]bool{}
	secrets := map[string]bool{}
	services := map[string]*corev1.Service{}
	key := func(ns, name string) string { return ns + "/" + name }
	templateOf := func(o *object) *corev1.PodTemplateSpec {
		switch t := o.typed.(type) {
		case *appsv1.Deployment:
			return &t.Spec.Template
		case *appsv1.StatefulSet:
			return &t.Spec.Template
		case *batchv1.Job:
			return &t.Spec.Template
		case *batchv1.CronJob:
			return &t.Spec.JobTemplate.Spec.Template
		}
		return nil
	}
	for _, o := range objs {
		ns := o.u.GetNamespace()
		switch t := o.typed.(type) {
		case *appsv1.Deployment:
			deployments[key(ns, t.Name)] = o
			sel, err := metav1.LabelSelectorAsSelector(t.Spec.Selector)
			if err != nil || !sel.Matches(labels.Set(t.Spec.Template.Labels)) {
				o.fail("spec.selector does not match spec.template.metadata.labels")
			}
		case *corev1.ConfigMap:
			configMaps[key(ns, t.Name)] = true
		case *corev1.Secret:
			secrets[key(ns, t.Name)] = true
		case *corev1.Service:
			services[key(ns, t.Name)] = t
		}
		if tpl := templateOf(o); tpl != nil {
			ports := map[string]bool{}
			for _, c := range append(append([]corev1.Container{}, tpl.Spec.InitContainers...), tpl.Spec.Containers...) {
				for _, p := range c.Ports {
					ports[p.Name] = true
					ports[fmt.Sprint(p.ContainerPort)] = true
				}
			}
			pods = append(pods, podTemplate{owner: o, labels: labels.Set(tpl.Labels), ports: ports})
		}
	}
	selects := func(ns string, sel labels.Selector) []podTemplate {
		var out []podTemplate
		for _, p := range pods {
			if p.owner.u.GetNamespace() == ns && sel.Matches(p.labels) {
				out = append(out, p)
			}
		}
		return out
	}
	extSet := map[string]bool{}
	for _, o := range objs {
		ns := o.u.GetNamespace()
		if tpl := templateOf(o); tpl != nil {
			refs := func(c corev1.Container) {
				for _, ef := range c.EnvFrom {
					if ef.ConfigMapRef != nil && !configMaps[key(ns, ef.ConfigMapRef.Name)] {
						o.fail("container %s: envFrom ConfigMap %q is not in the rendering", c.Name, ef.ConfigMapRef.Name)
					}
					if ef.SecretRef != nil && !secrets[key(ns, ef.SecretRef.Name)] {
						extSet[key(ns, ef.SecretRef.Name)] = true
					}
				}
				for _, e := range c.Env {
					if e.ValueFrom == nil {
						continue
					}
					if r := e.ValueFrom.ConfigMapKeyRef; r != nil && !configMaps[key(ns, r.Name)] {
						o.fail("container %s: env %s ConfigMap %q is not in the rendering", c.Name, e.Name, r.Name)
					}
					if r := e.ValueFrom.SecretKeyRef; r != nil && !secrets[key(ns, r.Name)] {
						extSet[key(ns, r.Name)] = true
					}
				}
			}
			for _, c := range tpl.Spec.InitContainers {
				refs(c)
			}
			for _, c := range tpl.Spec.Containers {
				refs(c)
			}
			for _, v := range tpl.Spec.Volumes {
				if v.ConfigMap != nil && !configMaps[key(ns, v.ConfigMap.Name)] {
					o.fail("volume %s: ConfigMap %q is not in the rendering", v.Name, v.ConfigMap.Name)
				}
			}
		}
		switch t := o.typed.(type) {
		case *corev1.Service:
			if len(t.Spec.Selector) > 0 {
				matched := selects(ns, labels.SelectorFromSet(t.Spec.Selector))
				if len(matched) == 0 {
					o.fail("selector %v matches no pod template", t.Spec.Selector)
				}
				for _, p := range t.Spec.Ports {
					if p.TargetPort.String() == "0" {
						continue
					}
					for _, m := range matched {
						if !m.ports[p.TargetPort.String()] {
							o.fail("targetPort %s is not a port of %s", p.TargetPort.String(), m.owner.id())
						}
					}
				}
			}
		case *policyv1.PodDisruptionBudget:
			sel, err := metav1.LabelSelectorAsSelector(t.Spec.Selector)
			if err != nil || len(selects(ns, sel)) == 0 {
				o.fail("selector matches no pod template")
			}
		case *networkingv1.NetworkPolicy:
			sel, err := metav1.LabelSelectorAsSelector(&t.Spec.PodSelector)
			if err != nil {
				o.fail("podSelector: %v", err)
			} else if !sel.Empty() && len(selects(ns, sel)) == 0 && !operatorManaged(t.Spec.PodSelector) {
				o.fail("podSelector matches no pod template")
			}
		case *autoscalingv2.HorizontalPodAutoscaler:
			ref := t.Spec.ScaleTargetRef
			if ref.Kind != "Deployment" || deployments[key(ns, ref.Name)] == nil {
				o.fail("scaleTargetRef %s/%s is not a Deployment of the rendering", ref.Kind, ref.Name)
			}
		case *networkingv1.Ingress:
			for _, rule := range t.Spec.Rules {
				if rule.HTTP == nil {
					continue
				}
				for _, p := range rule.HTTP.Paths {
					if s := p.Backend.Service; s != nil && services[key(ns, s.Name)] == nil {
						o.fail("backend Service %q is not in the rendering", s.Name)
					}
				}
			}
		}
	}
	for k := range extSet {
		external = append(external, k)
	}
	sort.Strings(external)
	return external
}

// Pods of Strimzi, ECK and CloudNativePG clusters are created by their operators, not by this rendering.
func operatorManaged(sel metav1.LabelSelector) bool {
	keys := []string{}
	for k := range sel.MatchLabels {
		keys = append(keys, k)
	}
	for _, e := range sel.MatchExpressions {
		keys = append(keys, e.Key)
	}
	for _, k := range keys {
		if strings.HasPrefix(k, "strimzi.io/") || strings.HasPrefix(k, "elasticsearch.k8s.elastic.co/") ||
			strings.HasPrefix(k, "cnpg.io/") {
			return true
		}
	}
	return false
}

// ---------------------------------------------------------------------------------------------- main

func main() {
	openapiDir := flag.String("openapi", "", "directory of the Kubernetes OpenAPI v3 documents (api/openapi-spec/v3)")
	crdList := flag.String("crds", "", "comma-separated CRD YAML files")
	unvalidated := flag.String("unvalidated", "", "comma-separated group/versions accepted with metadata checks only")
	flag.Parse()
	reg, err := newRegistry(*openapiDir, strings.Split(*crdList, ","), strings.Split(*unvalidated, ","))
	if err != nil {
		fmt.Fprintln(os.Stderr, "k8s-validate:", err)
		os.Exit(2)
	}
	fmt.Printf("schemas: Kubernetes OpenAPI v3 from %s; %d CRD versions loaded\n", *openapiDir, len(reg.crds))
	total, failed := 0, 0
	for _, arg := range flag.Args() {
		name, path, ok := strings.Cut(arg, "=")
		if !ok {
			name, path = filepath.Base(arg), arg
		}
		docs, err := splitYAML(path)
		if err != nil {
			fmt.Fprintf(os.Stderr, "k8s-validate: %s: %v\n", path, err)
			os.Exit(2)
		}
		var objs []*object
		for i, doc := range docs {
			o := &object{set: name, index: i, raw: doc, u: &unstructured.Unstructured{}}
			js, err := yaml.YAMLToJSONStrict(doc)
			if err == nil {
				var content map[string]any
				if err = utiljson.Unmarshal(js, &content); err == nil {
					o.u.SetUnstructuredContent(content)
				}
			}
			if err != nil || o.u.GetKind() == "" || o.u.GetAPIVersion() == "" {
				fmt.Printf("FAIL %-5s document %d: not a Kubernetes object: %v\n", name, i, err)
				failed++
				total++
				continue
			}
			reg.validate(o)
			objs = append(objs, o)
		}
		external := crossCheck(objs)
		fmt.Printf("== %s: %d objects\n", name, len(objs))
		for _, o := range objs {
			total++
			if len(o.errors) > 0 {
				failed++
				fmt.Printf("FAIL %-5s %s  [%s]\n", name, o.id(), o.how)
				for _, e := range o.errors {
					fmt.Printf("       - %s\n", e)
				}
			} else {
				fmt.Printf("ok   %-5s %s  [%s]\n", name, o.id(), o.how)
			}
		}
		for _, s := range external {
			fmt.Printf("note %-5s Secret %s is referenced but not rendered: create it out of band (see docs/deploy.md)\n", name, s)
		}
	}
	fmt.Printf("k8s-validate: %d objects, %d failed\n", total, failed)
	if failed > 0 || total == 0 {
		os.Exit(1)
	}
}
