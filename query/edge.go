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

// ListenerAction is one default action of a load balancer listener.
type ListenerAction struct {
	Type             string // "forward", "redirect", "fixed-response"... as written
	RedirectProtocol string // redirect: the protocol it redirects to ("HTTPS")
	TargetGroupArn   string // forward: the target group
}

// ListenerActions reads the default actions of a listener, in order.
func ListenerActions(l *Resource) []ListenerAction {
	var out []ListenerAction
	for _, x := range List(l, "defaultActions") {
		a, _ := x.(map[string]any)
		r, _ := a["redirect"].(map[string]any)
		act := ListenerAction{}
		act.Type, _ = a["type"].(string)
		act.RedirectProtocol, _ = r["protocol"].(string)
		act.TargetGroupArn, _ = a["targetGroupArn"].(string)
		out = append(out, act)
	}
	return out
}

// LoadBalancerOf returns the load balancer a listener belongs to, or nil when the stack does not
// hold it.
func (ix *Index) LoadBalancerOf(l *Resource) *Resource {
	ref := Str(l, "loadBalancerArn")
	for _, lb := range ix.LoadBalancers() {
		if ref != "" && (Str(lb, "arn") == ref || lb.ID == ref) {
			return lb
		}
	}
	return nil
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
			if ix.LoadBalancerOf(l) != lb {
				continue
			}
			port, _ := Int(l, "port")
			ex := Exposure{LoadBalancer: Name(lb), Port: port, Protocol: Str(l, "protocol"), WAF: waf}
			for _, a := range ListenerActions(l) {
				switch a.Type {
				case "redirect":
					ex.Action = "redirect to " + a.RedirectProtocol
				case "forward":
					if tg := ix.Ref(a.TargetGroupArn); tg != nil {
						tp, _ := Int(tg, "port")
						ex.Action = fmt.Sprintf("forward over %s to %s tasks on %d", Str(tg, "protocol"), Tags(tg)[contract.BFFTag], tp)
					} else {
						ex.Action = "forward to " + a.TargetGroupArn
					}
				default:
					ex.Action = a.Type
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
