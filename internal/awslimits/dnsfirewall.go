package awslimits

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
)

// Route 53 Resolver DNS Firewall: the values and limits the program's rule group must respect.

// FirewallAssociationPriority is the range of a rule group association's priority: "The allowed
// values for Priority are between 100 and 9900"; DNS Firewall evaluates the VPC's rule groups from
// the lowest number up
// (https://docs.aws.amazon.com/Route53/latest/APIReference/API_route53resolver_AssociateFirewallRuleGroup.html).
var FirewallAssociationPriority = struct{ Min, Max int }{100, 9900}

// The actions of a DNS Firewall rule (Action, CreateFirewallRule:
// https://docs.aws.amazon.com/Route53/latest/APIReference/API_route53resolver_CreateFirewallRule.html).
// A rule's priority is a positive integer unique in its rule group; DNS Firewall processes the
// rules from the lowest setting up and stops at the first that matches.
const (
	FirewallAllow = "ALLOW"
	FirewallBlock = "BLOCK"
	FirewallAlert = "ALERT"
)

// FirewallBlockNXDomain is the BlockResponse that answers a blocked query with NXDOMAIN, as if
// the name did not exist (BlockResponse: NODATA | NXDOMAIN | OVERRIDE, same source).
const FirewallBlockNXDomain = "NXDOMAIN"

// FirewallTrustRedirection is the FirewallDomainRedirectionAction that inspects only the first
// name of a CNAME or DNAME chain: the names an allowed name redirects to (an RDS endpoint's, a
// SaaS API's CDN host) need not be listed. The default, INSPECT_REDIRECTION_DOMAIN, inspects every
// name of the chain (same source).
const FirewallTrustRedirection = "TRUST_REDIRECTION_DOMAIN"

// The FirewallFailOpen values of a VPC's firewall config: DISABLED blocks every query DNS
// Firewall cannot evaluate (fail closed; AWS's default), ENABLED lets it through (fail open)
// (https://docs.aws.amazon.com/Route53/latest/APIReference/API_route53resolver_UpdateFirewallConfig.html).
const (
	FailOpenDisabled = "DISABLED"
	FailOpenEnabled  = "ENABLED"
)

// FirewallBlockAll is the domain specification that matches every name: a domain list holding
// only it, under the last rule, blocks whatever no earlier rule allowed
// (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-dns-firewall-domain-lists.html:
// "*" matches every domain, "*.example.com" every subdomain of example.com).
const FirewallBlockAll = "*"

// resolverName is the name of a DNS Firewall domain list, rule group, rule, association or query
// log config: 1-64 letters, digits, hyphens, underscores and spaces, not only digits (Name in
// CreateFirewallDomainList, CreateFirewallRuleGroup, CreateFirewallRule,
// AssociateFirewallRuleGroup and CreateResolverQueryLogConfig of the Route 53 Resolver API).
var resolverName = regexp.MustCompile(`^[a-zA-Z0-9_ -]{1,64}$`)

var onlyDigits = regexp.MustCompile(`^[0-9]+$`)

// ResolverNameProblem says why Route 53 Resolver refuses a name ("" when it accepts it).
func ResolverNameProblem(name string) string {
	if !resolverName.MatchString(name) || onlyDigits.MatchString(name) {
		return fmt.Sprintf("%q is not 1-64 letters, digits, hyphens, underscores or spaces (and not only digits), as Route 53 Resolver names must be", name)
	}
	return ""
}

// checkResolver checks what Route 53 Resolver refuses of a DNS Firewall resource or query log
// config: its name, a rule's action and priority, an association's priority, a domain list's
// names.
func checkResolver(r stackstate.Resource, bad func(stackstate.Resource, string, ...any)) {
	in := r.Inputs
	if name, _ := in["name"].(string); ResolverNameProblem(name) != "" {
		bad(r, "%s", ResolverNameProblem(name))
	}
	switch r.Type {
	case contract.TypeFirewallRule:
		if a, _ := in["action"].(string); !slices.Contains([]string{FirewallAllow, FirewallBlock, FirewallAlert}, a) {
			bad(r, "action %q is not ALLOW, BLOCK or ALERT", a)
		}
		if p, ok := asInt(in["priority"]); !ok || p < 1 {
			bad(r, "a rule's priority must be a positive integer")
		}
	case contract.TypeFirewallRuleGroupAssoc:
		if p, ok := asInt(in["priority"]); !ok || p < FirewallAssociationPriority.Min || p > FirewallAssociationPriority.Max {
			bad(r, "an association's priority must be %d-%d", FirewallAssociationPriority.Min, FirewallAssociationPriority.Max)
		}
	case contract.TypeFirewallDomainList:
		domains, _ := in["domains"].([]any)
		for _, d := range domains {
			if s, _ := d.(string); s != FirewallBlockAll && EgressNameProblem(s) != "" {
				bad(r, "domain %q %s", s, EgressNameProblem(s))
			}
		}
	}
}
