package policy

import (
	"slices"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/awslimits"
	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/query"
)

// Issue 12, "Endpoints as a data perimeter": the VPC endpoints admit this account's principals
// reaching this account's resources, and nothing else but the AWS-owned resources the platform
// needs, each named exactly; the logs key serves the stack's log groups only.

const strategyPerimeter = `Strategy 2, "Controlled Ingress/Egress" and strategy 3, "Least Privilege": a data perimeter ` +
	`(https://github.com/aws-samples/data-perimeter-policy-examples/tree/main/vpc_endpoint_policies)`

var perimeterInvariants = []Invariant{
	{
		ID:        "PERIM-01",
		Statement: "Every VPC endpoint policy binds both the principal and the resource to this account (aws:PrincipalAccount and aws:ResourceAccount), except in statements for the AWS-owned resources it names",
		Enforces:  strategyPerimeter + `: this account's credentials cannot reach another account's resources through the endpoints, nor another account's credentials use them`,
		Covers:    []string{contract.TypeVpcEndpoint},
		check:     checkEndpointsBindResources,
	},
	{
		ID:        "PERIM-02",
		Statement: "An endpoint-policy statement exempt from aws:ResourceAccount names exactly the AWS-owned resources it is for (the region's ECR layer bucket), never a wildcard",
		Enforces:  strategyPerimeter + `: anyone can create a bucket whose name matches a wildcard`,
		Covers:    []string{contract.TypeVpcEndpoint},
		check:     checkExceptionsNameExactly,
	},
	{
		ID:        "PERIM-03",
		Statement: "The logs key lets CloudWatch Logs use it only for the stack's log groups (kms:EncryptionContext:aws:logs:arn), and for every log group encrypted with it",
		Enforces:  `Strategy 3, "Encryption at Rest" and "Least Privilege": a log group outside the stack cannot be encrypted with, or read through, the stack's key`,
		Covers:    []string{contract.TypeKMSKey, contract.TypeLogGroup, contract.TypeDBInstance},
		check:     checkLogsKeyScoped,
	},
}

// exemption is the documented exception an endpoint grant falls under when it does not bind both
// the principal and the resource to the account: nil when it binds them, or when no exception
// allows all of its actions.
func exemption(ep *query.Resource, g query.EndpointGrant, account string) (exempt bool, e *awslimits.EndpointException) {
	if g.BindsPrincipalTo(account) && g.BindsResourceTo(account) {
		return false, nil
	}
	return true, awslimits.EndpointExceptionFor(query.EndpointName(query.Str(ep, "serviceName")), g.Actions)
}

func checkEndpointsBindResources(ix *query.Index) (int, []Finding) {
	var fs []Finding
	account := ix.Identity().Account
	endpoints := ix.OfType(contract.TypeVpcEndpoint)
	for _, ep := range endpoints {
		grants, ok := ix.EndpointGrants(ep)
		if !ok {
			fs = append(fs, finding(ep, "has no valid policy, so AWS applies the default one: any principal may reach any account's resources through it"))
			continue
		}
		for _, g := range grants {
			exempt, e := exemption(ep, g, account)
			switch {
			case !exempt:
			case e == nil && !g.BindsPrincipalTo(account):
				fs = append(fs, finding(ep, "statement %q admits principals of any account (no aws:PrincipalAccount %s)", g.Sid, account))
			case e == nil:
				fs = append(fs, finding(ep, "statement %q lets this account's principals reach any account's resources (no aws:ResourceAccount %s), and no documented AWS-owned exception allows %s",
					g.Sid, account, strings.Join(g.Actions, ", ")))
			case e.CallerIsThisAccount && !g.BindsPrincipalTo(account):
				fs = append(fs, finding(ep, "statement %q is the %s exception, whose caller is this account's, but admits principals of any account (no aws:PrincipalAccount %s)", g.Sid, e.Sid, account))
			}
		}
	}
	return len(endpoints), fs
}

func checkExceptionsNameExactly(ix *query.Index) (int, []Finding) {
	var fs []Finding
	account := ix.Identity().Account
	endpoints := ix.OfType(contract.TypeVpcEndpoint)
	for _, ep := range endpoints {
		grants, _ := ix.EndpointGrants(ep)
		for _, g := range grants {
			exempt, e := exemption(ep, g, account)
			if !exempt || e == nil {
				continue // bound to the account, or no exception at all (PERIM-01)
			}
			want := e.ResourcesIn(query.EndpointRegion(ep))
			for _, r := range g.Resources {
				if !slices.Contains(want, r) {
					fs = append(fs, finding(ep, "statement %q admits %s without aws:ResourceAccount, but the %s exception is for %s only: name the AWS-owned resource exactly, since anyone can create a resource whose name matches a pattern",
						g.Sid, r, e.Sid, strings.Join(want, ", ")))
				}
			}
		}
	}
	return len(endpoints), fs
}

func checkLogsKeyScoped(ix *query.Index) (int, []Finding) {
	var fs []Finding
	stackGroups := ix.StackLogGroupArns()
	planned := map[string]bool{}
	for _, g := range ix.OfType(contract.TypeLogGroup) {
		planned[ix.LogGroupArn(g)] = true
	}
	byKey := map[*query.Resource][]query.LogsKeyGrant{}
	for _, g := range ix.LogsKeyGrants() {
		byKey[g.Key] = append(byKey[g.Key], g)
		if len(g.LogGroups) == 0 {
			fs = append(fs, finding(g.Key, "statement %q lets CloudWatch Logs use the key for any log group (no %s condition); bind it to the stack's log groups", g.Sid, awslimits.LogsEncryptionContext))
		}
		for _, p := range g.LogGroups {
			if !slices.Contains(stackGroups, p) && !planned[p] {
				fs = append(fs, finding(g.Key, "statement %q lets CloudWatch Logs use the key for %s, which is not a log group of the stack (%s)", g.Sid, p, strings.Join(stackGroups, ", ")))
			}
		}
	}
	for _, group := range ix.OfType(contract.TypeLogGroup) {
		key := ix.Ref(query.Str(group, "kmsKeyId"))
		grants, isLogsKey := byKey[key]
		if key == nil || !isLogsKey {
			continue // no key of the stack (NET-06)
		}
		if !slices.ContainsFunc(grants, func(g query.LogsKeyGrant) bool { return g.Admits(ix.LogGroupArn(group)) }) {
			fs = append(fs, finding(group, "is encrypted with %s, whose policy does not let CloudWatch Logs use it for this group: creating the group would fail", query.Name(key)))
		}
	}
	return len(byKey), fs
}
