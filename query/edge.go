package query

import (
	"fmt"
	"sort"

	"github.com/secure-vpc/secure-vpc/internal/contract"
)

// LoadBalancers returns every load balancer (aws:lb and its aws:alb alias).
func (ix *Index) LoadBalancers() []*Resource {
	return ix.OfType(contract.TypeLoadBalancer, contract.TypeALBLoadBalancer)
}

// Listeners returns every load balancer listener (aws:lb and its aws:alb alias).
func (ix *Index) Listeners() []*Resource {
	return ix.OfType(contract.TypeListener, contract.TypeALBListener)
}

// InternetFacing reports whether a load balancer is internet-facing (internal unset or false).
func InternetFacing(lb *Resource) bool {
	internal, _ := Bool(lb, "internal")
	return !internal
}

// LoadBalancerSubnets are the subnets a load balancer sits in: its subnets, then those of its
// subnet mappings (AWS accepts either).
func LoadBalancerSubnets(lb *Resource) []string {
	subnets := Strings(lb, "subnets")
	for _, m := range List(lb, "subnetMappings") {
		if mm, ok := m.(map[string]any); ok {
			if id, _ := mm["subnetId"].(string); id != "" {
				subnets = append(subnets, id)
			}
		}
	}
	return subnets
}

// AccessLogs is where a load balancer writes its access logs.
type AccessLogs struct {
	Enabled bool   // accessLogs.enabled (false when unset)
	Bucket  string // the bucket's name ("" when unset)
}

// AccessLogsOf reads a load balancer's access-log setting.
func AccessLogsOf(lb *Resource) AccessLogs {
	v, _ := Prop(lb, "accessLogs")
	logs, _ := v.(map[string]any)
	enabled, _ := logs["enabled"].(bool)
	bucket, _ := logs["bucket"].(string)
	return AccessLogs{Enabled: enabled, Bucket: bucket}
}

// WebACLOf returns the web ACL associated with a load balancer, or nil (the last association
// wins, as AWS allows one).
func (ix *Index) WebACLOf(lb *Resource) *Resource {
	var acl *Resource
	for _, a := range ix.OfType(contract.TypeWebACLAssociation) {
		if Str(a, "resourceArn") == Str(lb, "arn") || Str(a, "resourceArn") == lb.ID {
			acl = ix.Ref(Str(a, "webAclArn"))
		}
	}
	return acl
}

// Exposure is one way in from the internet: a listener of an internet-facing load balancer.
type Exposure struct {
	LoadBalancer string
	Port         int
	Protocol     string // HTTP, or HTTPS with its TLS policy: "HTTPS (ELBSecurityPolicy-...)"
	Action       string // what the listener does: "redirect to HTTPS", "forward over HTTPS to web-bff tasks on 8443"
	WAF          string // the web ACL in front, "" if none
}

// InternetExposure lists the listeners of every internet-facing load balancer, by load balancer
// name, highest port first.
func (ix *Index) InternetExposure() []Exposure {
	var out []Exposure
	for _, lb := range ix.LoadBalancers() {
		if !InternetFacing(lb) {
			continue
		}
		waf := ""
		if acl := ix.WebACLOf(lb); acl != nil {
			waf = Name(acl)
		}
		for _, l := range ix.Listeners() {
			if Str(l, "loadBalancerArn") != Str(lb, "arn") && Str(l, "loadBalancerArn") != lb.ID {
				continue
			}
			port, _ := Int(l, "port")
			ex := Exposure{LoadBalancer: Name(lb), Port: port, Protocol: Str(l, "protocol"), WAF: waf}
			for _, x := range List(l, "defaultActions") {
				a, _ := x.(map[string]any)
				switch a["type"] {
				case "redirect":
					r, _ := a["redirect"].(map[string]any)
					ex.Action = fmt.Sprintf("redirect to %v", r["protocol"])
				case "forward":
					tgArn, _ := a["targetGroupArn"].(string)
					if tg := ix.Ref(tgArn); tg != nil {
						tp, _ := Int(tg, "port")
						ex.Action = fmt.Sprintf("forward over %s to %s tasks on %d", Str(tg, "protocol"), Tags(tg)[contract.BFFTag], tp)
					} else {
						ex.Action = "forward to " + tgArn
					}
				default:
					ex.Action = fmt.Sprint(a["type"])
				}
			}
			if ex.Protocol == "HTTPS" {
				ex.Protocol += " (" + Str(l, "sslPolicy") + ")"
			}
			out = append(out, ex)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].LoadBalancer != out[j].LoadBalancer {
			return out[i].LoadBalancer < out[j].LoadBalancer
		}
		return out[i].Port > out[j].Port
	})
	return out
}
