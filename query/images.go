package query

import (
	"path"
	"regexp"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/awslimits"
	"github.com/secure-vpc/secure-vpc/internal/contract"
)

// ImageRef is an image reference split into its parts
// (https://github.com/distribution/reference/blob/main/reference.go): Registry is the host
// (docker.io when the reference names none), Repository the path, and Tag or Digest what pins it.
type ImageRef struct {
	Registry, Repository, Tag, Digest string
}

var digestPattern = regexp.MustCompile(`^sha256:[a-f0-9]{64}$`)

// ParseImage splits an image reference; ok is false when it names no repository, or neither a
// valid digest nor a tag.
func ParseImage(image string) (ImageRef, bool) {
	var ref ImageRef
	rest := image
	if first, after, found := strings.Cut(rest, "/"); found && (strings.ContainsAny(first, ".:") || first == "localhost") {
		ref.Registry, rest = first, after
	} else {
		ref.Registry = "docker.io"
	}
	if name, digest, found := strings.Cut(rest, "@"); found {
		rest, ref.Digest = name, digest
		if !digestPattern.MatchString(digest) {
			return ref, false
		}
	}
	if i := strings.LastIndex(rest, ":"); i >= 0 {
		rest, ref.Tag = rest[:i], rest[i+1:]
	}
	ref.Repository = rest
	return ref, ref.Repository != "" && (ref.Digest != "" || ref.Tag != "")
}

// Pinned reports whether the reference names its image by digest.
func (r ImageRef) Pinned() bool { return r.Digest != "" }

// ecrHost matches an ECR private registry, capturing its account and region
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/Registries.html).
var ecrHost = regexp.MustCompile(`^([0-9]{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com$`)

// ECR returns the account and region of an ECR private registry (ok false for any other registry).
func (r ImageRef) ECR() (account, region string, ok bool) {
	m := ecrHost.FindStringSubmatch(r.Registry)
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

// Repository is an ECR repository of the stack, with what guards it.
type Repository struct {
	Resource   *Resource
	Name, URL  string
	Immutable  bool   // imageTagMutability IMMUTABLE
	ScanOnPush bool   // basic scanning on push
	KMSKey     string // the KMS key of its encryption configuration ("" when not KMS)
	Encryption string // its encryption type (AES256 when unset)
	Policy     *Resource
	Lifecycle  *Resource
}

// Repositories lists the stack's ECR repositories, in export order.
func (ix *Index) Repositories() []Repository {
	var out []Repository
	for _, r := range ix.OfType(contract.TypeECRRepository) {
		repo := Repository{Resource: r, Name: Str(r, "name"), URL: repositoryURL(r), Encryption: "AES256"}
		repo.Immutable = Str(r, "imageTagMutability") == "IMMUTABLE"
		if m, ok := firstMap(r, "imageScanningConfiguration"); ok {
			repo.ScanOnPush, _ = m["scanOnPush"].(bool)
		}
		for _, c := range List(r, "encryptionConfigurations") {
			m, _ := c.(map[string]any)
			if t, _ := m["encryptionType"].(string); t != "" {
				repo.Encryption = t
			}
			repo.KMSKey, _ = m["kmsKey"].(string)
		}
		if ps := ix.Where(contract.TypeECRRepositoryPolicy, "repository", repo.Name); len(ps) > 0 {
			repo.Policy = ps[0]
		}
		if ls := ix.Where(contract.TypeECRLifecyclePolicy, "repository", repo.Name); len(ls) > 0 {
			repo.Lifecycle = ls[0]
		}
		out = append(out, repo)
	}
	return out
}

// repositoryURL is a repository's URI: its repositoryUrl output, or, when an export lacks it, the
// URI ECR gives every repository, <registry id>.dkr.ecr.<region>.amazonaws.com/<name>, from its
// registryId (else its ARN's account) and its ARN's region
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/Registries.html); "" when neither says.
func repositoryURL(r *Resource) string {
	if url := Str(r, "repositoryUrl"); url != "" {
		return url
	}
	arn := strings.SplitN(Str(r, "arn"), ":", 6)
	registry, name := Str(r, "registryId"), Str(r, "name")
	if len(arn) < 6 || name == "" {
		return ""
	}
	if registry == "" {
		registry = arn[4]
	}
	if registry == "" || arn[3] == "" {
		return ""
	}
	return awslimits.ECRRegistryHost(registry, arn[3]) + "/" + name
}

// firstMap reads an object property (or the first element of a one-element list, as Terraform
// renders a nested block).
func firstMap(r *Resource, key string) (map[string]any, bool) {
	v, ok := Prop(r, key)
	if !ok {
		return nil, false
	}
	if l, isList := v.([]any); isList && len(l) > 0 {
		v = l[0]
	}
	m, isMap := v.(map[string]any)
	return m, isMap
}

// EnhancedScanning says which repositories of the registry ECR enhanced scanning covers, as
// the stack configures it: a registry scanning configuration of type ENHANCED and an Inspector
// enabler for ECR. It returns the filters of its rules (WILDCARD patterns, * any characters),
// and nil when the stack turns no enhanced scanning on.
func (ix *Index) EnhancedScanning() []string {
	enabled := false
	for _, e := range ix.OfType(contract.TypeInspectorEnabler) {
		for _, t := range Strings(e, "resourceTypes") {
			enabled = enabled || t == "ECR"
		}
	}
	var filters []string
	for _, c := range ix.OfType(contract.TypeECRRegistryScanningConfig) {
		if !enabled || Str(c, "scanType") != "ENHANCED" {
			continue
		}
		for _, rule := range List(c, "rules") {
			m, _ := rule.(map[string]any)
			fs, _ := m["repositoryFilters"].([]any)
			for _, f := range fs {
				fm, _ := f.(map[string]any)
				if s, _ := fm["filter"].(string); s != "" {
					filters = append(filters, s)
				}
			}
		}
	}
	return filters
}

// ScannedByEnhanced reports whether one of the enhanced-scanning filters matches a repository name.
func ScannedByEnhanced(filters []string, name string) bool {
	for _, f := range filters {
		// ECR's wildcard * matches any characters, "/" included; path.Match's stops at "/".
		if ok, err := path.Match(strings.ReplaceAll(f, "/", "\x00"), strings.ReplaceAll(name, "/", "\x00")); err == nil && ok {
			return true
		}
	}
	return false
}

// TaskImage is the image of one container of a task definition, and where it comes from.
type TaskImage struct {
	TaskDefinition *Resource
	Container      string
	Image          string
	Ref            ImageRef
	Parsed         bool        // false when the reference cannot be read: its source is unknown
	Repository     *Repository // the stack's repository it is in (nil when none)
}

// TaskImages lists the image of every container of every task definition; a task definition
// whose container definitions cannot be read gives one TaskImage with no container and Parsed
// false.
func (ix *Index) TaskImages() []TaskImage {
	repos := ix.Repositories()
	var out []TaskImage
	for _, td := range ix.OfType(contract.TypeTaskDefinition) {
		containers, err := Containers(td)
		if err != nil || len(containers) == 0 {
			out = append(out, TaskImage{TaskDefinition: td})
			continue
		}
		for _, c := range containers {
			ti := TaskImage{TaskDefinition: td, Container: c.Name, Image: c.Image}
			ti.Ref, ti.Parsed = ParseImage(c.Image)
			if ti.Parsed {
				for i := range repos {
					if repos[i].URL != "" && repos[i].URL == ti.Ref.Registry+"/"+ti.Ref.Repository {
						ti.Repository = &repos[i]
					}
				}
			}
			out = append(out, ti)
		}
	}
	return out
}
