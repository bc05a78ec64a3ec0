package platform

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/secure-vpc/secure-vpc/internal/awslimits"
	"github.com/secure-vpc/secure-vpc/internal/naming"
)

// Source is a stack's config as Pulumi hands it to the program: every key, namespaced
// (`secure-vpc:network`), with its value as a string (objects and lists as JSON), and the set of
// keys whose values are secrets.
type Source struct {
	Stack  string
	Values map[string]string
	Secret map[string]bool
	// SecretEntries says, for each entry of a mapping-valued key (for example
	// "secure-vpc:secretValues.payments-api-key"), whether the stack file holds it encrypted. It
	// is known only where a stack file was read; Pulumi itself marks secrecy per key, not per entry.
	SecretEntries map[string]bool
	// At is when the stack is being deployed, for facts that change with time (which PostgreSQL
	// majors RDS still supports); the zero value means now.
	At time.Time
}

// The config keys of the project namespace.
const (
	keyEnvironment  = "environment"
	keyNetwork      = "network"
	keyServices     = "services"
	keyDatabases    = "databases"
	keyBuckets      = "buckets"
	keyCaches       = "caches"
	keySecrets      = "secrets"
	keySecretValues = "secretValues"
	keyEdge         = "edge"
	keyQuotas       = "quotas"
	keyDeploy       = "deploy"
	keyVault        = "vault"
	keyRegion       = "aws:region"
)

// Keys lists the project's config keys (without the namespace), in the order of Sections.
var Keys = func() []string {
	out := make([]string, len(Sections))
	for i, s := range Sections {
		out[i] = s.Key
	}
	return out
}()

func nsKey(k string) string { return Project + ":" + k }

// Load parses and validates a stack's config into a Spec. It returns a *ConfigError listing every
// problem, each naming its key and the fix.
func Load(src Source) (*Spec, error) {
	var ps problems
	spec := &Spec{
		Stack:     src.Stack,
		Services:  map[string]Service{},
		Databases: map[string]Database{},
		Buckets:   map[string]Bucket{},
		Caches:    map[string]Cache{},
		Secrets:   map[string]AppSecret{},
	}

	if !naming.Label.MatchString(src.Stack) || strings.Contains(src.Stack, "--") || len(src.Stack) > naming.MaxStackLength {
		ps.add("stack "+src.Stack, "stack names become part of AWS names (database identifiers, buckets, secrets); use lowercase letters, digits and single hyphens, starting with a letter, at most %d characters", naming.MaxStackLength)
	}
	checkUnknownKeys(src, &ps)

	env := Environment(src.Values[nsKey(keyEnvironment)])
	known := slices.Contains(Environments, env)
	switch {
	case env == "":
		ps.add(nsKey(keyEnvironment), "required; set it to dev, staging or prod (pulumi config set environment dev)")
	case !known:
		ps.add(nsKey(keyEnvironment), "%q is not an environment; use dev, staging or prod", string(env))
	}
	// An environment that is not valid gets the safest defaults, prod's (Setting.Default), so
	// that a typo is reported once and not as a cascade of derived problems.
	spec.Environment = env
	spec.Protect = protect.Default(env)
	spec.CacheNodes = cacheNodes.Default(env)
	spec.CacheSnapshotRetentionDays = cacheSnapshotRetentionDays.Default(env)
	spec.SecretRecoveryWindowDays = secretRecoveryWindowDays.Default(env)
	spec.BucketObjectLockDays = bucketObjectLockDays.Default(env)
	spec.HealthCheckGraceSeconds = healthCheckGraceSeconds.Default(env)

	spec.Region = src.Values[keyRegion]
	switch partition := awslimits.PartitionOf(spec.Region); {
	case spec.Region == "":
		ps.add(keyRegion, "required; set the AWS region of the stack (pulumi config set aws:region eu-west-1)")
	case partition == "":
		hint := ""
		if guess := closest(spec.Region, sortedNames(awslimits.Regions)); guess != "" && editDistance(guess, spec.Region) <= 2 {
			hint = fmt.Sprintf(" (did you mean %s?)", guess)
		}
		ps.add(keyRegion, "%q is not an AWS region; use a commercial region such as eu-west-1%s", spec.Region, hint)
	case partition != "aws":
		ps.add(keyRegion, "%s is in the %s partition; this program builds for the commercial partition (aws) only, whose ARNs, endpoints and service principals it writes: use a commercial region such as eu-west-1", spec.Region, partition)
	case awslimits.ProviderUnknownRegions[spec.Region]:
		ps.add(keyRegion, "%s is an AWS region the pinned AWS provider (pulumi-aws v6) does not know yet and refuses; use another region, or upgrade the provider first", spec.Region)
	}

	loadNetwork(src, spec, &ps)
	loadServices(src, spec, &ps)
	loadDatabases(src, spec, &ps)
	loadBuckets(src, spec, &ps)
	loadCaches(src, spec, &ps)
	loadSecrets(src, spec, &ps)
	loadEdge(src, spec, &ps)
	loadQuotas(src, spec, &ps)
	loadDeploy(src, spec, &ps)
	loadVault(src, spec, &ps)
	checkGraph(spec, &ps)
	checkContracts(spec, &ps)
	checkQuotas(spec, &ps)

	if err := ps.err(src.Stack); err != nil {
		return nil, err
	}
	return spec, nil
}

func checkUnknownKeys(src Source, ps *problems) {
	prefix := Project + ":"
	for _, key := range sortedNames(src.Values) {
		ns, name, _ := strings.Cut(key, ":")
		switch {
		case ns == Project:
			if slices.Contains(Keys, name) {
				continue
			}
			if guess := closest(name, Keys); guess != "" {
				ps.add(key, "unknown config key; did you mean %s%s? (remove or rename it)", prefix, guess)
			} else {
				ps.add(key, "unknown config key (valid keys: %s)", strings.Join(Keys, ", "))
			}
		case ns == "aws" && name != "region" && editDistance(strings.ToLower(name), "region") <= 2:
			// The AWS provider reads its own keys; the one this program reads is aws:region, and a
			// near miss of it would leave the stack without a region.
			ps.add(key, "unknown AWS provider key; did you mean %s? (rename it)", keyRegion)
		case nearProject(ns) || slices.Contains(Keys, name):
			// Pulumi hands keys of other namespaces through unread: a typo in the namespace would
			// silently drop the whole setting (a bucket, a secret, a service).
			guess := name
			if !slices.Contains(Keys, name) {
				if g := closest(name, Keys); g != "" {
					guess = g
				}
			}
			ps.add(key, "the namespace %q is not this project's, so the setting would be ignored; did you mean %s%s? (rename the key)", ns, prefix, guess)
		}
	}
}

// nearProject reports whether a config namespace is a likely misspelling of the project's.
func nearProject(ns string) bool {
	norm := strings.NewReplacer("-", "", "_", "", ".", "").Replace(strings.ToLower(ns))
	return ns != Project && (norm == strings.ReplaceAll(Project, "-", "") || editDistance(strings.ToLower(ns), Project) <= 2)
}

func raw(src Source, key string) (json.RawMessage, bool) {
	v, ok := src.Values[nsKey(key)]
	if !ok || strings.TrimSpace(v) == "" {
		return nil, false
	}
	return json.RawMessage(v), true
}

// eachEntry decodes a mapping of named entries (services, databases, ...): it checks every name,
// decodes every entry strictly into a fresh R and hands it to use, in name order. ok is false when
// the entry did not decode (its problems are already reported); use should still record the name,
// so that references to it do not add "unknown" problems. It returns the number of entries and
// whether the key is set at all.
func eachEntry[R any](src Source, key string, kind naming.Kind, ps *problems, use func(name, entryKey string, r *R, ok bool)) (int, bool) {
	full := nsKey(key)
	data, present := raw(src, key)
	if !present {
		return 0, false
	}
	entries, ok := decodeMap(full, data, ps)
	if !ok {
		return 0, true
	}
	for _, name := range sortedNames(entries) {
		entryKey := full + "." + name
		checkName(entryKey, kind, name, src.Stack, ps)
		var r R
		use(name, entryKey, &r, decodeObject(entryKey, entries[name], &r, ps))
	}
	return len(entries), true
}

// ReservedBucket is the name of the access-log bucket every stack has.
const ReservedBucket = "access-logs"

// MaxDataPorts is how many distinct store ports the isolated NACL can admit: one rule per port,
// within AWS's default quota of rules per direction, which counts the default deny rule.
var MaxDataPorts = awslimits.RulesPerNetworkACL.Limit - 1

func checkName(key string, kind naming.Kind, name, stack string, ps *problems) {
	if !naming.Label.MatchString(name) || strings.Contains(name, "--") {
		ps.add(key, "%q is not a valid name; use lowercase letters, digits and single hyphens, starting with a letter (it becomes part of DNS and AWS names)", name)
		return
	}
	if d := naming.Check(kind, name, stack); d != nil {
		ps.add(key, "the name is too long: the %s derived from it would be %d characters and AWS allows %d; use at most %d characters", d.What, d.Physical(), d.Max, naming.MaxLength(kind, stack))
	}
}

func checkPort(key string, port int, r awslimits.PortRange, ps *problems) {
	if problem := portProblem(port, r); problem != "" {
		ps.add(key, "%s", problem)
	}
}

// portProblem says why a port does not fit a range ("" when it does); 0 means none was given.
func portProblem(port int, r awslimits.PortRange) string {
	switch {
	case port == 0:
		return fmt.Sprintf("required; give the TCP port (%d-%d)", r.Lowest, r.Highest)
	case port < 1 || port > 65535:
		return fmt.Sprintf("%d is out of range; use %d-%d", port, r.Lowest, r.Highest)
	case !r.Contains(port):
		return fmt.Sprintf("%d cannot work: %s; use %d-%d", port, r.Why, r.Lowest, r.Highest)
	}
	return ""
}

func ints(list []int) string {
	parts := make([]string, len(list))
	for i, n := range list {
		parts[i] = fmt.Sprint(n)
	}
	return strings.Join(parts, ", ")
}
