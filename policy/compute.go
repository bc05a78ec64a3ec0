package policy

import (
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

// More type tokens the compute and edge invariants read.
const (
	TypeLoadBalancer      = "aws:lb/loadBalancer:LoadBalancer"
	TypeALBLoadBalancer   = "aws:alb/loadBalancer:LoadBalancer"
	TypeListener          = "aws:lb/listener:Listener"
	TypeALBListener       = "aws:alb/listener:Listener"
	TypeTargetGroup       = "aws:lb/targetGroup:TargetGroup"
	TypeALBTargetGroup    = "aws:alb/targetGroup:TargetGroup"
	TypeWebACL            = "aws:wafv2/webAcl:WebAcl"
	TypeWebACLAssociation = "aws:wafv2/webAclAssociation:WebAclAssociation"
	TypeECSService        = "aws:ecs/service:Service"
	TypeTaskDefinition    = "aws:ecs/taskDefinition:TaskDefinition"
	TypeRolePolicy        = "aws:iam/rolePolicy:RolePolicy"
	TypeIAMPolicy         = "aws:iam/policy:Policy"
	BFFTag                = "secure-vpc:bff"
)

// AllowedTLSPolicies are the listener policies Security Hub ELB.17 accepts: TLS 1.2 minimum,
// forward secrecy.
var AllowedTLSPolicies = []string{
	"ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-TLS13-1-2-Res-2021-06", "ELBSecurityPolicy-TLS13-1-3-2021-06",
	"ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04", "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04", "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
}

// starOnlyActions are the only actions an identity policy may allow on Resource "*": AWS offers
// no resource-level permission for them, and they reveal or change nothing sensitive.
var starOnlyActions = []string{"ecr:GetAuthorizationToken", "cloudwatch:PutMetricData", "xray:PutTraceSegments", "xray:PutTelemetryRecords"}

const strategyIngress = `Strategy 2, "Controlled Ingress/Egress": "Only the BFFs and other designated public-facing gateways are exposed to the internet"`

var computeInvariants = []Invariant{
	{
		ID:        "EDGE-01",
		Statement: "Only BFF load balancers are internet-facing, each only in public-tier subnets of at least 2 AZs",
		Enforces:  strategyIngress + "; Security Hub ELB.13",
		check:     checkInternetFacing,
	},
	{
		ID:        "EDGE-02",
		Statement: "No security group admits 0.0.0.0/0 or ::/0 except BFF load balancers, on tcp 443 and 80 only",
		Enforces:  strategyIngress + "; Security Hub EC2.18, EC2.19, CIS 5.2/5.3",
		check:     checkWorldIngress,
	},
	{
		ID:        "EDGE-03",
		Statement: "HTTP listeners only redirect to HTTPS; HTTPS listeners use an allow-listed TLS 1.2+ policy and a certificate, and forward over HTTPS",
		Enforces:  `Strategy 3, "Encryption in Transit" (HTTPS between user and BFF); Security Hub ELB.1, ELB.17`,
		check:     checkListeners,
	},
	{
		ID:        "EDGE-04",
		Statement: "Every internet-facing load balancer drops invalid headers, writes access logs to the access-log bucket and sits behind a WAF web ACL with AWS managed rules and a rate limit",
		Enforces:  "Security Hub ELB.4, ELB.5, WAF.10; Checkov CKV2_AWS_28, CKV_AWS_192",
		check:     checkEdgeProtections,
	},
	{
		ID:        "SVC-01",
		Statement: "No task gets a public IP or runs outside the private tier",
		Enforces:  strategyVPC + "; Security Hub ECS.2",
		check:     checkServicesPrivate,
	},
	{
		ID:        "SVC-02",
		Statement: "Every container runs non-root on a read-only root filesystem with a /tmp it can write, unprivileged with every Linux capability dropped, on a port it can bind, logs to an encrypted log group, and receives secrets only from Secrets Manager",
		Enforces:  `Strategy 3, "Secrets Management"; Security Hub ECS.4, ECS.5, ECS.8, ECS.9, ECS.20`,
		check:     checkTaskDefinitions,
	},
	{
		ID:        "SVC-03",
		Statement: "Every IAM statement on a sensitive action names its resources, and every service trust policy is bound to this account",
		Enforces:  `Strategy 1, "Service-to-Service Security"; Security Hub IAM.21, KMS.1, KMS.2`,
		check:     checkIAM,
	},
}

func (ix *Index) loadBalancers() []*Resource { return ix.OfType(TypeLoadBalancer, TypeALBLoadBalancer) }

func internetFacing(lb *Resource) bool {
	internal, _ := Bool(lb, "internal")
	return !internal
}

func checkInternetFacing(ix *Index) (int, []Finding) {
	var fs []Finding
	lbs := ix.loadBalancers()
	for _, lb := range lbs {
		subnets := Strings(lb, "subnets")
		for _, m := range List(lb, "subnetMappings") {
			if mm, ok := m.(map[string]any); ok {
				if id, _ := mm["subnetId"].(string); id != "" {
					subnets = append(subnets, id)
				}
			}
		}
		want := "private"
		if internetFacing(lb) {
			want = "public"
			if Tags(lb)[BFFTag] == "" {
				fs = append(fs, finding(lb, "is internet-facing but is not a BFF's load balancer (tag %s); make it internal", BFFTag))
			}
		}
		azs := map[string]bool{}
		for _, id := range subnets {
			s := ix.Ref(id)
			if s == nil || Tier(s) != want {
				fs = append(fs, finding(lb, "sits in subnet %s, which is not in the %s tier", id, want))
				continue
			}
			azs[Str(s, "availabilityZone")] = true
		}
		if len(azs) < 2 {
			fs = append(fs, finding(lb, "spans %d AZ(s); an ALB needs subnets in at least 2", len(azs)))
		}
	}
	return len(lbs), fs
}

func isWorld(cidr string) bool {
	for _, c := range strings.Split(cidr, ",") {
		if c == "0.0.0.0/0" || c == "::/0" {
			return true
		}
	}
	return false
}

func checkWorldIngress(ix *Index) (int, []Finding) {
	var fs []Finding
	groups := ix.OfType(TypeSecurityGroup)
	for _, sg := range groups {
		for _, r := range ix.ingressRules(sg) {
			if !isWorld(r.cidr) {
				continue
			}
			isLB := Tags(sg)[GroupKindTag] == "load-balancer"
			okPort := (r.proto == "tcp" || r.proto == "6") && r.from == r.to && (r.from == 443 || r.from == 80)
			switch {
			case !isLB:
				fs = append(fs, finding(r.source, "admits %s into %s, which is not a BFF load balancer's group", r.cidr, Name(sg)))
			case !okPort:
				fs = append(fs, finding(r.source, "admits %s %s %d-%d into %s; the internet may reach load balancers on tcp 443 and 80 only", r.cidr, r.proto, r.from, r.to, Name(sg)))
			}
		}
	}
	return len(groups), fs
}

func (ix *Index) listeners() []*Resource { return ix.OfType(TypeListener, TypeALBListener) }

func checkListeners(ix *Index) (int, []Finding) {
	var fs []Finding
	ls := ix.listeners()
	for _, l := range ls {
		protocol := Str(l, "protocol")
		actions := List(l, "defaultActions")
		switch protocol {
		case "", "HTTP":
			ok := len(actions) == 1
			if ok {
				a, _ := actions[0].(map[string]any)
				redirect, _ := a["redirect"].(map[string]any)
				ok = a["type"] == "redirect" && redirect["protocol"] == "HTTPS"
			}
			if !ok {
				fs = append(fs, finding(l, "serves plain HTTP; an HTTP listener may only redirect to HTTPS"))
			}
		case "HTTPS":
			if policy := Str(l, "sslPolicy"); !slices.Contains(AllowedTLSPolicies, policy) {
				fs = append(fs, finding(l, "uses TLS policy %q, which is not on the allow-list (%s)", policy, strings.Join(AllowedTLSPolicies, ", ")))
			}
			if Str(l, "certificateArn") == "" {
				fs = append(fs, finding(l, "has no certificate"))
			}
			for _, x := range actions {
				a, _ := x.(map[string]any)
				if a["type"] != "forward" {
					continue
				}
				tgArn, _ := a["targetGroupArn"].(string)
				if tg := ix.Ref(tgArn); tg != nil && Str(tg, "protocol") != "HTTPS" {
					fs = append(fs, finding(l, "forwards to target group %s over %s; traffic to the tasks must stay encrypted", Name(tg), Str(tg, "protocol")))
				}
			}
		default:
			fs = append(fs, finding(l, "uses protocol %s on an application load balancer", protocol))
		}
	}
	return len(ls), fs
}

func checkEdgeProtections(ix *Index) (int, []Finding) {
	var fs []Finding
	checked := 0
	for _, lb := range ix.loadBalancers() {
		if !internetFacing(lb) {
			continue
		}
		checked++
		if on, _ := Bool(lb, "dropInvalidHeaderFields"); !on {
			fs = append(fs, finding(lb, "forwards invalid header fields; set dropInvalidHeaderFields"))
		}
		if on, _ := Bool(lb, "enableWafFailOpen"); on {
			fs = append(fs, finding(lb, "lets traffic through when WAF is unavailable (enableWafFailOpen)"))
		}
		v, _ := Prop(lb, "accessLogs")
		logs, _ := v.(map[string]any)
		enabled, _ := logs["enabled"].(bool)
		bucket, _ := logs["bucket"].(string)
		if !enabled || bucket == "" {
			fs = append(fs, finding(lb, "does not write access logs"))
		} else if b := ix.Named(TypeBucket, "bucket", bucket); b == nil || Tags(b)[PurposeTag] != AccessLogsTag {
			fs = append(fs, finding(lb, "writes access logs to %s, which is not the stack's access-log bucket", bucket))
		}
		var acl *Resource
		for _, a := range ix.OfType(TypeWebACLAssociation) {
			if Str(a, "resourceArn") == Str(lb, "arn") || Str(a, "resourceArn") == lb.ID {
				acl = ix.Ref(Str(a, "webAclArn"))
			}
		}
		if acl == nil {
			fs = append(fs, finding(lb, "has no WAF web ACL"))
			continue
		}
		if Str(acl, "scope") != "REGIONAL" {
			fs = append(fs, finding(lb, "web ACL %s is not REGIONAL", Name(acl)))
		}
		managed, rate := 0, false
		for _, x := range List(acl, "rules") {
			rule, _ := x.(map[string]any)
			stmt, _ := rule["statement"].(map[string]any)
			if m, ok := stmt["managedRuleGroupStatement"].(map[string]any); ok && m["vendorName"] == "AWS" {
				managed++
			}
			if _, ok := stmt["rateBasedStatement"]; ok {
				rate = true
			}
		}
		if managed == 0 {
			fs = append(fs, finding(lb, "web ACL %s applies no AWS managed rule group", Name(acl)))
		}
		if !rate {
			fs = append(fs, finding(lb, "web ACL %s has no rate-based rule", Name(acl)))
		}
	}
	return checked, fs
}

func checkServicesPrivate(ix *Index) (int, []Finding) {
	var fs []Finding
	services := ix.OfType(TypeECSService)
	for _, svc := range services {
		v, _ := Prop(svc, "networkConfiguration")
		nc, _ := v.(map[string]any)
		if nc == nil {
			fs = append(fs, finding(svc, "has no network configuration, so its tasks would land in the default VPC"))
			continue
		}
		if pub, _ := nc["assignPublicIp"].(bool); pub {
			fs = append(fs, finding(svc, "gives its tasks public IPs"))
		}
		for _, id := range policydoc.StringList(nc["subnets"]) {
			if s := ix.Ref(id); s == nil || Tier(s) != "private" {
				fs = append(fs, finding(svc, "runs tasks in subnet %s, which is not in the private tier", id))
			}
		}
		hasService := false
		for _, id := range policydoc.StringList(nc["securityGroups"]) {
			sg := ix.Ref(id)
			if sg == nil {
				fs = append(fs, finding(svc, "uses security group %s, which is not in this stack", id))
				continue
			}
			hasService = hasService || Tags(sg)[GroupKindTag] == "service"
		}
		if !hasService {
			fs = append(fs, finding(svc, "has no service security group of its own"))
		}
	}
	return len(services), fs
}

var (
	secretEnvName  = regexp.MustCompile(`(?i)(PASSWORD|SECRET|TOKEN|PRIVATE_?KEY|API_?KEY|CREDENTIAL)`)
	forbiddenEnv   = []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "ECS_ENGINE_AUTH_DATA"}
	secretArnShape = regexp.MustCompile(`^arn:aws:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:`)
)

type container struct {
	Name                   string `json:"name"`
	User                   string `json:"user"`
	ReadonlyRootFilesystem bool   `json:"readonlyRootFilesystem"`
	Privileged             bool   `json:"privileged"`
	Environment            []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"environment"`
	Secrets []struct {
		Name      string `json:"name"`
		ValueFrom string `json:"valueFrom"`
	} `json:"secrets"`
	LogConfiguration struct {
		LogDriver string            `json:"logDriver"`
		Options   map[string]string `json:"options"`
	} `json:"logConfiguration"`
	MountPoints []struct {
		SourceVolume  string `json:"sourceVolume"`
		ContainerPath string `json:"containerPath"`
		ReadOnly      bool   `json:"readOnly"`
	} `json:"mountPoints"`
	PortMappings []struct {
		ContainerPort      int    `json:"containerPort"`
		ContainerPortRange string `json:"containerPortRange"`
	} `json:"portMappings"`
	LinuxParameters struct {
		Capabilities struct {
			Add  []string `json:"add"`
			Drop []string `json:"drop"`
		} `json:"capabilities"`
		Tmpfs []struct {
			ContainerPath string   `json:"containerPath"`
			Size          int      `json:"size"`
			MountOptions  []string `json:"mountOptions"`
		} `json:"tmpfs"`
	} `json:"linuxParameters"`
	SystemControls []struct {
		Namespace string `json:"namespace"`
		Value     string `json:"value"`
	} `json:"systemControls"`
}

// lowestPorts returns the lowest port of each port mapping (a single port or a range "80-90").
func (c container) lowestPorts() []int {
	var out []int
	for _, p := range c.PortMappings {
		if p.ContainerPort > 0 {
			out = append(out, p.ContainerPort)
		}
		if lo, _, found := strings.Cut(p.ContainerPortRange, "-"); found || p.ContainerPortRange != "" {
			if n, err := strconv.Atoi(strings.TrimSpace(lo)); err == nil {
				out = append(out, n)
			}
		}
	}
	return out
}

// gid is the group a container runs as ("" when the user names none).
func (c container) gid() string {
	_, group, _ := strings.Cut(c.User, ":")
	if n, err := strconv.Atoi(group); err == nil {
		return strconv.Itoa(n)
	}
	return group
}

// uid is the user a container runs as ("" for the image's default, which is root unless the
// image says otherwise and is not known here).
func (c container) uid() string {
	user, _, _ := strings.Cut(c.User, ":")
	if n, err := strconv.Atoi(user); err == nil {
		return strconv.Itoa(n) // "00" is 0
	}
	return user
}

// nonRoot reports whether a container runs as a user other than root.
func (c container) nonRoot() bool {
	uid := c.uid()
	return uid != "" && uid != "root" && uid != "0"
}

// writableTmp says how a container with a read-only root filesystem can write temporary files:
// "" when /tmp is a tmpfs its user can write (no ro option, and a mode that lets others write,
// which is tmpfs's own default 1777, or the user as owner), else what is wrong. Nothing else may
// be mounted at /tmp: a Fargate bind-mount volume is owned by root with mode 0755, so a non-root
// user cannot write to it, and an EFS volume's root is owned as its file system says.
func (c container) writableTmp() string {
	var tmpfs []string
	for _, t := range c.LinuxParameters.Tmpfs {
		if path.Clean(t.ContainerPath) != "/tmp" {
			continue
		}
		if t.Size <= 0 {
			return "mounts a tmpfs of no size at /tmp"
		}
		tmpfs = append(tmpfs, "tmpfs")
		mode, owner, group := 0o1777, "", ""
		for _, o := range t.MountOptions {
			key, value, _ := strings.Cut(o, "=")
			switch key {
			case "ro":
				return "mounts its /tmp tmpfs read-only"
			case "mode":
				if m, err := strconv.ParseInt(value, 8, 32); err == nil {
					mode = int(m)
				}
			case "uid":
				owner = value
			case "gid":
				group = value
			}
		}
		writable := mode&0o002 != 0 || (owner == c.uid() && mode&0o200 != 0) || (group != "" && group == c.gid() && mode&0o020 != 0)
		if !writable {
			return fmt.Sprintf("mounts its /tmp tmpfs with mode %o owned by %s, which user %s cannot write; leave the mode at its default (1777)", mode, orRoot(owner), c.User)
		}
	}
	for _, m := range c.MountPoints {
		if path.Clean(m.ContainerPath) == "/tmp" {
			tmpfs = append(tmpfs, "volume "+m.SourceVolume)
		}
	}
	switch {
	case len(tmpfs) == 0:
		return "has no writable /tmp; mount a tmpfs at /tmp"
	case len(tmpfs) > 1:
		return fmt.Sprintf("mounts /tmp more than once (%s); mount only a tmpfs there", strings.Join(tmpfs, ", "))
	case tmpfs[0] != "tmpfs":
		return fmt.Sprintf("mounts /tmp from %s, which its non-root user cannot be relied on to write (a Fargate bind mount is owned by root, 0755); mount a tmpfs at /tmp", tmpfs[0])
	}
	return ""
}

func orRoot(uid string) string {
	if uid == "" {
		return "root"
	}
	return "uid " + uid
}

// lowestPort is the lowest port the container's user can bind: 0 for root, else the
// net.ipv4.ip_unprivileged_port_start the task sets (1024, Linux's default, when it sets none).
// Fargate lets a task add no capability but SYS_PTRACE, so CAP_NET_BIND_SERVICE is no way out.
func (c container) lowestPort() int {
	if !c.nonRoot() {
		return 0
	}
	for _, sc := range c.SystemControls {
		if sc.Namespace == "net.ipv4.ip_unprivileged_port_start" {
			if n, err := strconv.Atoi(sc.Value); err == nil {
				return n
			}
		}
	}
	return 1024
}

func checkTaskDefinitions(ix *Index) (int, []Finding) {
	var fs []Finding
	tds := ix.OfType(TypeTaskDefinition)
	for _, td := range tds {
		if mode := Str(td, "networkMode"); mode != "awsvpc" {
			fs = append(fs, finding(td, "uses network mode %q; Fargate tasks use awsvpc", mode))
		}
		if Str(td, "pidMode") == "host" || Str(td, "ipcMode") == "host" {
			fs = append(fs, finding(td, "shares the host's process or IPC namespace"))
		}
		var containers []container
		if err := json.Unmarshal([]byte(Str(td, "containerDefinitions")), &containers); err != nil {
			fs = append(fs, finding(td, "has unreadable container definitions"))
			continue
		}
		for _, c := range containers {
			if !c.ReadonlyRootFilesystem {
				fs = append(fs, finding(td, "container %s has a writable root filesystem", c.Name))
			} else if problem := c.writableTmp(); problem != "" {
				fs = append(fs, finding(td, "container %s has a read-only root filesystem and %s", c.Name, problem))
			}
			if !c.nonRoot() {
				fs = append(fs, finding(td, "container %s runs as root (user %q)", c.Name, c.User))
			}
			for _, port := range c.lowestPorts() {
				if port < c.lowestPort() {
					fs = append(fs, finding(td, "container %s listens on port %d, which its non-root user cannot bind (below %d: net.ipv4.ip_unprivileged_port_start); use a port of %d or above", c.Name, port, c.lowestPort(), c.lowestPort()))
				}
			}
			if caps := c.LinuxParameters.Capabilities; len(caps.Add) > 0 || !slices.Contains(caps.Drop, "ALL") {
				fs = append(fs, finding(td, "container %s keeps or adds Linux capabilities (add %v, drop %v); drop ALL and add none", c.Name, caps.Add, caps.Drop))
			}
			if c.Privileged {
				fs = append(fs, finding(td, "container %s is privileged", c.Name))
			}
			group := c.LogConfiguration.Options["awslogs-group"]
			if c.LogConfiguration.LogDriver != "awslogs" || ix.Named(TypeLogGroup, "name", group) == nil {
				fs = append(fs, finding(td, "container %s does not log to a log group of this stack", c.Name))
			}
			for _, e := range c.Environment {
				// A Secrets Manager ARN names where a secret is, for the code to read when it needs
				// it (a rotating master password); it is not secret material.
				reference := secretArnShape.MatchString(e.Value)
				if slices.Contains(forbiddenEnv, e.Name) || (secretEnvName.MatchString(e.Name) && e.Value != "" && !reference) {
					fs = append(fs, finding(td, "container %s passes %s in its environment; inject it from Secrets Manager", c.Name, e.Name))
				}
			}
			for _, sec := range c.Secrets {
				if !secretArnShape.MatchString(sec.ValueFrom) {
					fs = append(fs, finding(td, "container %s takes %s from %q, not from Secrets Manager", c.Name, sec.Name, sec.ValueFrom))
				}
			}
		}
	}
	return len(tds), fs
}

// identityPolicies returns every identity policy document with the resource that carries it.
func (ix *Index) identityPolicies() map[*Resource][]policydoc.Document {
	out := map[*Resource][]policydoc.Document{}
	for _, r := range ix.OfType(TypeRolePolicy, TypeIAMPolicy) {
		if doc, err := policydoc.Parse(Str(r, "policy")); err == nil {
			out[r] = append(out[r], doc)
		}
	}
	for _, r := range ix.OfType(TypeIAMRole) {
		for _, x := range List(r, "inlinePolicies") {
			m, _ := x.(map[string]any)
			if text, _ := m["policy"].(string); text != "" {
				if doc, err := policydoc.Parse(text); err == nil {
					out[r] = append(out[r], doc)
				}
			}
		}
	}
	return out
}

func checkIAM(ix *Index) (int, []Finding) {
	var fs []Finding
	checked := 0
	policies := ix.identityPolicies()
	holders := make([]*Resource, 0, len(policies))
	for r := range policies {
		holders = append(holders, r)
	}
	sort.Slice(holders, func(i, j int) bool { return holders[i].URN < holders[j].URN })
	for _, r := range holders {
		for _, doc := range policies[r] {
			checked++
			for _, st := range doc.Statement {
				if st.Effect != policydoc.Allow {
					continue
				}
				wild := len(st.Resource) == 0
				for _, res := range st.Resource {
					wild = wild || res == "*"
				}
				if !wild {
					continue
				}
				for _, a := range st.Action {
					if !slices.Contains(starOnlyActions, a) {
						fs = append(fs, finding(r, "statement %s allows %s on every resource; name the resources", st.Sid, a))
					}
				}
			}
		}
	}
	for _, role := range ix.OfType(TypeIAMRole) {
		checked++
		doc, err := policydoc.Parse(Str(role, "assumeRolePolicy"))
		if err != nil {
			fs = append(fs, finding(role, "has no valid trust policy"))
			continue
		}
		for _, st := range doc.Statement {
			if st.Effect != policydoc.Allow {
				continue
			}
			if len(st.Principals()["Service"]) > 0 {
				cond := fmt.Sprint(st.Condition)
				if !strings.Contains(cond, "aws:SourceAccount") && !strings.Contains(cond, "aws:SourceArn") {
					fs = append(fs, finding(role, "trusts %v without aws:SourceAccount or aws:SourceArn (confused deputy)", st.Principals()["Service"]))
				}
			}
			if len(st.Principals()["*"]) > 0 || slices.Contains(st.Principals()["AWS"], "*") {
				fs = append(fs, finding(role, "can be assumed by anyone"))
			}
		}
	}
	return checked, fs
}

// egressRules returns the normalised egress rules of a security group.
func (ix *Index) egressRules(sg *Resource) []sgRule {
	var out []sgRule
	for _, r := range ix.Where(TypeSGEgressRule, "securityGroupId", sg.ID) {
		out = append(out, vpcRule(r))
	}
	return out
}

// Exposure is one way in from the internet: a listener of an internet-facing load balancer.
type Exposure struct {
	LoadBalancer string
	Port         int
	Protocol     string
	Action       string // what the listener does
	WAF          string // the web ACL in front, "" if none
}

// InternetExposure lists the listeners of every internet-facing load balancer.
func (ix *Index) InternetExposure() []Exposure {
	var out []Exposure
	for _, lb := range ix.loadBalancers() {
		if !internetFacing(lb) {
			continue
		}
		waf := ""
		for _, a := range ix.OfType(TypeWebACLAssociation) {
			if Str(a, "resourceArn") == Str(lb, "arn") || Str(a, "resourceArn") == lb.ID {
				if acl := ix.Ref(Str(a, "webAclArn")); acl != nil {
					waf = Name(acl)
				}
			}
		}
		for _, l := range ix.listeners() {
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
						ex.Action = fmt.Sprintf("forward over %s to %s tasks on %d", Str(tg, "protocol"), Tags(tg)[BFFTag], tp)
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
