// Package stack is the scope every component is built in: which project, stack, region and
// account it deploys to and whether its stateful resources are protected, and the names, tags,
// descriptions and log-group paths derived from them. Every component's Args embeds one Scope
// instead of repeating those fields, and names what it creates through it, so that a name format
// is written once. The package imports no cloud SDK.
package stack

import (
	"fmt"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/naming"
)

// Scope is the stack-wide part of every component's Args.
type Scope struct {
	// Project is the Pulumi project, contract.Project in this program. Required.
	Project string
	// Stack is the Pulumi stack ("dev", "staging", "prod"), at most naming.MaxStackLength
	// characters. Required.
	Stack string
	// Region is the AWS region ("eu-west-1"). Required.
	Region string
	// AccountID is the 12-digit id of the AWS account the stack deploys to. Required.
	AccountID string
	// Protect marks the stateful resources (keys, log groups, databases, caches, buckets, secrets,
	// roles) with Pulumi's protect and turns on AWS deletion protection: staging and prod.
	// Optional, default false (dev).
	Protect bool
}

// Check returns an error naming the first field a component cannot be built without.
func (s Scope) Check() error {
	switch {
	case s.Project == "" || s.Stack == "":
		return fmt.Errorf("project and stack are required")
	case s.Region == "":
		return fmt.Errorf("region is required")
	case len(s.AccountID) != 12 || strings.Trim(s.AccountID, "0123456789") != "":
		return fmt.Errorf("account id %q is not a 12-digit AWS account id", s.AccountID)
	}
	return nil
}

// Path is "<project>/<stack>", which starts every description.
func (s Scope) Path() string { return s.Project + "/" + s.Stack }

// Describe is a resource description: "<project>/<stack>: <what>".
func (s Scope) Describe(what string) string { return s.Path() + ": " + what }

// Prefix is "<project>-<stack>": the Name tag of what there is one of per stack (the cluster).
func (s Scope) Prefix() string { return s.Project + "-" + s.Stack }

// Name is the console name of a resource: "<project>-<stack>-<name>", the value of its Name tag.
func (s Scope) Name(name string) string { return s.Prefix() + "-" + name }

// Tags are the tags of a resource: its Name tag (Name(name)) and the extra ones. The extra map is
// not modified.
func (s Scope) Tags(name string, extra map[string]string) map[string]string {
	tags := map[string]string{contract.NameTag: s.Name(name)}
	for k, v := range extra {
		tags[k] = v
	}
	return tags
}

// LogGroup is the CloudWatch log group of the stack at a path: "/<project>/<stack>/<path...>",
// for example LogGroup("services", "users") is "/secure-vpc/dev/services/users".
func (s Scope) LogGroup(path ...string) string {
	return "/" + s.Project + "/" + s.Stack + "/" + strings.Join(path, "/")
}

// ServiceLogGroup is the log group a service's tasks write to: "/<project>/<stack>/services/<service>".
func (s Scope) ServiceLogGroup(service string) string { return s.LogGroup("services", service) }

// LogGroupPatterns are the names of every log group the stack creates, as patterns in which "*"
// stands for the part the stack adds: its own path "/<project>/<stack>/*", its web ACLs'
// "aws-waf-logs-<project>-<stack>-*" (WAFLogGroup), and for each RDS instance identifier given,
// the groups RDS exports that instance's logs to, "/aws/rds/instance/<identifier>/*"
// (naming.RDSLogGroup).
func (s Scope) LogGroupPatterns(rdsInstances ...string) []string {
	out := []string{s.LogGroup("*"), s.WAFLogGroup("*")}
	for _, id := range rdsInstances {
		out = append(out, naming.RDSLogGroup(id, "*"))
	}
	return out
}

// LogGroupArn is the ARN of a log group of the stack's region and account by name (or name
// pattern): arn:aws:logs:<region>:<account>:log-group:<name>, the form of the encryption context
// CloudWatch Logs sends to KMS (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
func (s Scope) LogGroupArn(name string) string {
	return fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", s.Region, s.AccountID, name)
}

// MigrationLogGroup is the log group a database's migration task writes to:
// "/<project>/<stack>/migrations/<database>".
func (s Scope) MigrationLogGroup(database string) string { return s.LogGroup("migrations", database) }

// EdgeHost is the DNS name a BFF is served under: "<bff>.<domain>". Without a domain (a dev stack
// on a self-signed certificate) it is "<bff>.<stack>.<project>.test", a name under the reserved
// .test domain that resolves nowhere. Every BFF has its own load balancer, so one name cannot
// serve two of them.
func (s Scope) EdgeHost(bff, domain string) string {
	if domain == "" {
		return bff + "." + s.Stack + "." + s.Project + ".test"
	}
	return bff + "." + domain
}

// WAFLogGroup is the log group of a web ACL: WAF delivers only to log groups whose names start
// with aws-waf-logs-, so it is "aws-waf-logs-<project>-<stack>-<name>".
func (s Scope) WAFLogGroup(name string) string { return "aws-waf-logs-" + s.Name(name) }

// KeyAlias is the alias of a domain's KMS key: "alias/<project>/<stack>/<domain>".
func (s Scope) KeyAlias(domain contract.KeyDomain) string {
	return "alias/" + s.Path() + "/" + string(domain)
}

// SecretPrefix is the name prefix of a secret: "<project>/<stack>/<kind>/<name>-".
func (s Scope) SecretPrefix(kind contract.SecretKind, name string) string {
	return naming.SecretPrefix(s.Project, s.Stack, string(kind), name)
}
