// Package report turns a plan or a stack export, and the invariants' results, into what a
// reviewer reads: what the stack builds, how its subnets route, what faces the internet, and
// whether every security invariant holds.
package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/policy"
)

// Report is the reviewer's view of one stack.
type Report struct {
	Title      string            `json:"title"`
	Notes      []string          `json:"notes,omitempty"`
	Passed     bool              `json:"passed"`
	Components []Component       `json:"components"`
	Subnets    []SubnetRow       `json:"subnets"`
	Exposure   Exposure          `json:"exposure"`
	Internet   []policy.Exposure `json:"internetListeners"`
	Paths      []PathRow         `json:"paths"`
	Nodes      []NodeRow         `json:"nodes"`
	Stores     []StoreRow        `json:"stores"`
	Secrets    []SecretRow       `json:"secrets"`
	Results    []ResultRow       `json:"invariants"`

	results []policy.Result
}

// StoreRow is a database, cache or bucket with its key and who can reach it.
type StoreRow struct {
	Kind        string   `json:"kind"`
	Name        string   `json:"name"`
	Key         string   `json:"key"`
	ReachableBy []string `json:"reachableBy"`
}

// SecretRow is a secret with its key and who can read it.
type SecretRow struct {
	Name    string   `json:"name"`
	Key     string   `json:"key"`
	Readers []string `json:"readers"`
}

// Component is a top-level component of the stack and what it contains.
type Component struct {
	Type    string         `json:"type"`
	Name    string         `json:"name"`
	ByType  map[string]int `json:"byType"`
	Total   int            `json:"total"`
	Protect int            `json:"protected"`
}

// SubnetRow is one subnet with its routing.
type SubnetRow struct {
	Name         string   `json:"name"`
	Tier         string   `json:"tier"`
	AZ           string   `json:"availabilityZone"`
	CIDR         string   `json:"cidr"`
	DefaultRoute string   `json:"defaultRoute"`
	OtherRoutes  []string `json:"otherRoutes,omitempty"`
	PublicIPs    bool     `json:"mapsPublicIps"`
}

// Exposure is what faces the internet.
type Exposure struct {
	InternetGateways []string `json:"internetGateways"`
	PublicSubnets    []string `json:"publicSubnets"`
	NATGateways      []string `json:"natGateways"`
	LoadBalancers    []string `json:"internetFacingLoadBalancers"`
	OpenRules        []string `json:"worldOpenRules"`
	InternetEgress   []string `json:"internetEgress"`
}

// ResultRow is the outcome of one invariant.
type ResultRow struct {
	ID        string   `json:"id"`
	Statement string   `json:"statement"`
	Enforces  string   `json:"enforces"`
	Passed    bool     `json:"passed"`
	Checked   int      `json:"checked"`
	Findings  []string `json:"findings,omitempty"`
}

// Build assembles the report of an export.
func Build(title string, e *stackstate.Export, results []policy.Result) *Report {
	ix := policy.NewIndex(e)
	r := &Report{Title: title, results: results}
	for _, res := range results {
		row := ResultRow{ID: res.Invariant.ID, Statement: res.Invariant.Statement, Enforces: res.Invariant.Enforces, Passed: res.Passed(), Checked: res.Checked}
		for _, f := range res.Findings {
			row.Findings = append(row.Findings, f.URN+": "+f.Message)
		}
		r.Results = append(r.Results, row)
	}
	r.Components = components(ix)
	r.Subnets = subnets(ix)
	r.Exposure = exposure(ix, r.Subnets)
	r.Internet = ix.InternetExposure()
	r.Paths, r.Nodes = paths(ix)
	r.Stores = stores(ix)
	r.Secrets = secretRows(ix)
	r.Passed = r.AllHold()
	return r
}

// AllHold reports whether every invariant holds.
func (r *Report) AllHold() bool {
	for _, res := range r.results {
		if !res.Passed() {
			return false
		}
	}
	return true
}

func components(ix *policy.Index) []Component {
	byURN := map[string]*Component{}
	var order []string
	for _, res := range ix.Resources {
		if !res.Custom || strings.HasPrefix(res.Type, "pulumi:providers:") {
			continue
		}
		top := res
		for top.Parent != "" {
			p := ix.URN(top.Parent)
			if p == nil || p.Type == "pulumi:pulumi:Stack" {
				break
			}
			top = p
		}
		key := top.URN
		c, ok := byURN[key]
		if !ok {
			c = &Component{Type: top.Type, Name: policy.Name(top), ByType: map[string]int{}}
			if top == res {
				c = &Component{Type: "(stack)", Name: "resources without a component", ByType: map[string]int{}}
			}
			byURN[key] = c
			order = append(order, key)
		}
		c.ByType[res.Type]++
		c.Total++
		if res.Protect {
			c.Protect++
		}
	}
	sort.Strings(order)
	out := make([]Component, 0, len(order))
	for _, k := range order {
		out = append(out, *byURN[k])
	}
	return out
}

var tierOrder = map[string]int{"public": 0, "private": 1, "isolated": 2}

func subnets(ix *policy.Index) []SubnetRow {
	var rows []SubnetRow
	for _, s := range ix.OfType(policy.TypeSubnet) {
		row := SubnetRow{Name: policy.Name(s), Tier: policy.Tier(s), AZ: policy.Str(s, "availabilityZone"), CIDR: policy.Str(s, "cidrBlock"), DefaultRoute: "none (local only)"}
		if row.Tier == "" {
			row.Tier = "undeclared"
		}
		row.PublicIPs, _ = policy.Bool(s, "mapPublicIpOnLaunch")
		rts := ix.SubnetRouteTables(s)
		if len(rts) == 0 {
			row.DefaultRoute = "main route table (no explicit association)"
		}
		for _, rt := range rts {
			for _, route := range ix.Routes(rt) {
				target := describeTarget(ix, route)
				if policy.IsDefaultRoute(route.Destination) {
					row.DefaultRoute = target
				} else {
					row.OtherRoutes = append(row.OtherRoutes, target)
				}
			}
		}
		rows = append(rows, row)
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if tierOrder[rows[i].Tier] != tierOrder[rows[j].Tier] {
			return tierOrder[rows[i].Tier] < tierOrder[rows[j].Tier]
		}
		return rows[i].AZ < rows[j].AZ
	})
	return rows
}

func describeTarget(ix *policy.Index, route policy.Route) string {
	name := route.Target
	if t := ix.Ref(route.Target); t != nil {
		name = policy.Name(t)
	}
	switch route.TargetKind {
	case "internet-gateway":
		return "internet gateway " + name
	case "nat-gateway":
		return "NAT gateway " + name
	case "vpc-endpoint":
		svc := policy.Str(route.Source, "serviceName")
		return "gateway endpoint " + svc[strings.LastIndex(svc, ".")+1:]
	}
	return route.TargetKind + " " + name
}

func exposure(ix *policy.Index, rows []SubnetRow) Exposure {
	var ex Exposure
	for _, igw := range ix.OfType(policy.TypeInternetGateway) {
		ex.InternetGateways = append(ex.InternetGateways, policy.Name(igw))
	}
	for _, row := range rows {
		if strings.HasPrefix(row.DefaultRoute, "internet gateway") {
			ex.PublicSubnets = append(ex.PublicSubnets, fmt.Sprintf("%s (%s, %s)", row.Name, row.AZ, row.CIDR))
		}
	}
	for _, nat := range ix.OfType(policy.TypeNatGateway) {
		where := policy.Str(nat, "subnetId")
		if s := ix.Ref(where); s != nil {
			where = policy.Name(s)
		}
		ex.NATGateways = append(ex.NATGateways, fmt.Sprintf("%s in %s", policy.Name(nat), where))
	}
	for _, lb := range ix.OfType("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer") {
		if internal, _ := policy.Bool(lb, "internal"); !internal {
			ex.LoadBalancers = append(ex.LoadBalancers, policy.Name(lb))
		}
	}
	for _, rule := range ix.OfType(policy.TypeSGEgressRule) {
		cidr := policy.Str(rule, "cidrIpv4") + policy.Str(rule, "cidrIpv6")
		if cidr == "0.0.0.0/0" || cidr == "::/0" {
			from, _ := policy.Int(rule, "fromPort")
			owner := policy.Str(rule, "securityGroupId")
			if sg := ix.Ref(owner); sg != nil {
				owner = policy.Tags(sg)[policy.GroupNameTag]
			}
			ex.InternetEgress = append(ex.InternetEgress, fmt.Sprintf("%s: %s %d to %s", owner, policy.Str(rule, "ipProtocol"), from, cidr))
		}
	}
	for _, rule := range ix.OfType(policy.TypeSGIngressRule) {
		cidr := policy.Str(rule, "cidrIpv4") + policy.Str(rule, "cidrIpv6")
		if cidr == "0.0.0.0/0" || cidr == "::/0" {
			from, _ := policy.Int(rule, "fromPort")
			to, _ := policy.Int(rule, "toPort")
			ex.OpenRules = append(ex.OpenRules, fmt.Sprintf("%s: %s %d-%d from %s", policy.Name(rule), policy.Str(rule, "ipProtocol"), from, to, cidr))
		}
	}
	return ex
}

func keyName(ix *policy.Index, ref string) string {
	key := ix.Ref(ref)
	if key == nil || key.Type != policy.TypeKMSKey {
		if ref == "" {
			return "none"
		}
		return ref + " (not a key of this stack)"
	}
	for _, a := range ix.OfType(policy.TypeKMSAlias) {
		if t := policy.Str(a, "targetKeyId"); t == key.ID || t == policy.Str(key, "arn") {
			return policy.Str(a, "name")
		}
	}
	return policy.Name(key)
}

func stores(ix *policy.Index) []StoreRow {
	var rows []StoreRow
	for _, a := range ix.StoreAccesses() {
		kind := "database"
		if a.Store.Type == policy.TypeCache {
			kind = "cache"
		}
		var who []string
		for _, svc := range a.Services {
			who = append(who, fmt.Sprintf("%s (tcp %d)", svc, a.Port))
		}
		rows = append(rows, StoreRow{Kind: kind, Name: policy.Name(a.Store), Key: keyName(ix, policy.Str(a.Store, "kmsKeyId")), ReachableBy: who})
	}
	for _, b := range ix.OfType(policy.TypeBucket) {
		row := StoreRow{Kind: "bucket", Name: policy.Name(b), Key: "none"}
		for _, sse := range ix.SideResources(b, policy.TypeBucketSSE) {
			alg, key, _ := policy.BucketEncryption(sse)
			if alg == "AES256" {
				row.Key = "SSE-S3 (the documented access-log exception)"
			} else {
				row.Key = keyName(ix, key)
			}
		}
		row.ReachableBy = ix.BucketPrincipals(b)
		rows = append(rows, row)
	}
	return rows
}

func secretRows(ix *policy.Index) []SecretRow {
	var rows []SecretRow
	for _, s := range ix.OfType(policy.TypeSecret) {
		readers, _ := ix.SecretReaders(s)
		name := policy.Str(s, "namePrefix")
		if name == "" {
			name = policy.Str(s, "name")
		}
		rows = append(rows, SecretRow{Name: strings.TrimSuffix(name, "-"), Key: keyName(ix, policy.Str(s, "kmsKeyId")), Readers: readers})
	}
	for _, db := range ix.OfType(policy.TypeDBInstance) {
		if managed, _ := policy.Bool(db, "manageMasterUserPassword"); managed {
			var readers []string
			for _, sec := range policy.List(db, "masterUserSecrets") {
				m, _ := sec.(map[string]any)
				arn, _ := m["secretArn"].(string)
				readers = append(readers, ix.IdentityPolicyReaders(arn)...)
			}
			rows = append(rows, SecretRow{Name: "rds!" + policy.Name(db) + " (master password, created and rotated by RDS)",
				Key: keyName(ix, policy.Str(db, "masterUserSecretKmsKeyId")), Readers: readers})
		}
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Name < rows[j].Name })
	return rows
}

// WriteText renders the report for a terminal.
func (r *Report) WriteText(w io.Writer) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "%s\n", r.Title)
	for _, n := range r.Notes {
		fmt.Fprintf(b, "note: %s\n", n)
	}

	fmt.Fprintf(b, "\nResources by component\n")
	tw := tabwriter.NewWriter(b, 2, 4, 2, ' ', 0)
	for _, c := range r.Components {
		protect := ""
		if c.Protect > 0 {
			protect = fmt.Sprintf(" (%d protected)", c.Protect)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%d%s\n", c.Name, c.Type, c.Total, protect)
		for _, t := range sortedTypes(c.ByType) {
			fmt.Fprintf(tw, "  \t  %s\t%d\n", t, c.ByType[t])
		}
	}
	_ = tw.Flush()

	fmt.Fprintf(b, "\nSubnets and routes\n")
	tw = tabwriter.NewWriter(b, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  TIER\tAZ\tCIDR\tDEFAULT ROUTE\tOTHER ROUTES\n")
	for _, s := range r.Subnets {
		other := "-"
		if len(s.OtherRoutes) > 0 {
			other = strings.Join(s.OtherRoutes, ", ")
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", s.Tier, s.AZ, s.CIDR, s.DefaultRoute, other)
	}
	_ = tw.Flush()

	fmt.Fprintf(b, "\nWhat faces the internet\n")
	list := func(label string, items []string, none string) {
		if len(items) == 0 {
			fmt.Fprintf(b, "  %s: %s\n", label, none)
			return
		}
		fmt.Fprintf(b, "  %s:\n", label)
		for _, it := range items {
			fmt.Fprintf(b, "    - %s\n", it)
		}
	}
	list("Internet gateways", r.Exposure.InternetGateways, "none")
	list("Subnets routed to the internet (public tier)", r.Exposure.PublicSubnets, "none")
	list("NAT gateways (outbound only)", r.Exposure.NATGateways, "none: the private tier reaches AWS through VPC endpoints only")
	list("Internet-facing load balancers", r.Exposure.LoadBalancers, "none")
	list("Security group rules open to 0.0.0.0/0 or ::/0", r.Exposure.OpenRules, "none")
	list("Services allowed out to the internet (internetEgress)", r.Exposure.InternetEgress, "none")

	fmt.Fprintf(b, "\nWhat the internet can reach\n")
	if len(r.Internet) == 0 {
		fmt.Fprintf(b, "  nothing: no internet-facing load balancer\n")
	} else {
		tw = tabwriter.NewWriter(b, 2, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "  LOAD BALANCER\tPORT\tPROTOCOL\tDOES\tWAF\n")
		for _, e := range r.Internet {
			fmt.Fprintf(tw, "  %s\t%d\t%s\t%s\t%s\n", e.LoadBalancer, e.Port, e.Protocol, e.Action, orDash(e.WAF))
		}
		_ = tw.Flush()
	}

	fmt.Fprintf(b, "\nWho can reach whom (security groups, routes and network ACLs together)\n")
	tw = tabwriter.NewWriter(b, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  FROM\tTO\tPORTS\tSTATUS\n")
	for _, p := range r.Paths {
		fmt.Fprintf(tw, "  %s\t%s\t%s %s\t%s\n", p.From, p.To, p.Protocol, p.Ports, p.Status)
	}
	_ = tw.Flush()

	fmt.Fprintf(b, "\nData stores: encryption key and who can reach them\n")
	tw = tabwriter.NewWriter(b, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  KIND\tSTORE\tKEY\tREACHABLE BY\n")
	for _, st := range r.Stores {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", st.Kind, st.Name, st.Key, joinOr(st.ReachableBy, "nobody"))
	}
	_ = tw.Flush()

	fmt.Fprintf(b, "\nSecrets: encryption key and readers\n")
	tw = tabwriter.NewWriter(b, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  SECRET\tKEY\tREADERS\n")
	for _, sec := range r.Secrets {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", sec.Name, sec.Key, joinOr(sec.Readers, "nobody"))
	}
	_ = tw.Flush()

	fmt.Fprintf(b, "\nSecurity invariants\n")
	held := 0
	for _, res := range r.Results {
		status := "FAIL"
		if res.Passed {
			status = "PASS"
			held++
		}
		fmt.Fprintf(b, "  %s %s  %s (%d checked)\n", status, res.ID, res.Statement, res.Checked)
		for _, f := range res.Findings {
			fmt.Fprintf(b, "         %s\n", f)
		}
	}
	fmt.Fprintf(b, "\n%d of %d invariants hold.\n", held, len(r.Results))
	_, err := io.WriteString(w, b.String())
	return err
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func joinOr(items []string, none string) string {
	if len(items) == 0 {
		return none
	}
	return strings.Join(items, ", ")
}

func sortedTypes(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
