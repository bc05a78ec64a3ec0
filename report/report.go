// Package report turns a plan or a stack export, and the invariants' results, into what a
// reviewer reads: what the stack builds, how its subnets route, what faces the internet, and
// whether every security invariant holds.
package report

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/policy"
	"github.com/secure-vpc/secure-vpc/query"
)

// Report is the reviewer's view of one stack.
type Report struct {
	Title  string   `json:"title"`
	Notes  []string `json:"notes,omitempty"`
	Passed bool     `json:"passed"` // every invariant holds and every resource was evaluated
	// Coverage is how many resources the invariants judged, and which they could not.
	Coverage   Coverage         `json:"coverage"`
	Components []Component      `json:"components"`
	Subnets    []SubnetRow      `json:"subnets"`
	Exposure   Exposure         `json:"exposure"`
	Egress     Egress           `json:"egress"`
	Internet   []query.Exposure `json:"internetListeners"`
	Paths      []PathRow        `json:"paths"`
	Nodes      []NodeRow        `json:"nodes"`
	Stores     []StoreRow       `json:"stores"`
	Secrets    []SecretRow      `json:"secrets"`
	Images     []ImageRow       `json:"images"`
	Results    []ResultRow      `json:"invariants"`

	results []policy.Result
}

// Coverage says what the verdict covers: the resources evaluated, those no invariant can judge
// (policy.NotEvaluated) by URN and type with the reason, and both counts by type with the
// invariants that read each type. Any resource not evaluated makes the report not a pass.
type Coverage struct {
	Evaluated    int               `json:"evaluated"`
	NotEvaluated []NotEvaluatedRow `json:"notEvaluated"`
	ByType       []TypeCoverage    `json:"byType"`
}

// TypeCoverage is one resource type of the stack: how many of its resources were evaluated and
// not, and what judges it: the ids of the invariants that read it, or why it carries nothing to
// judge.
type TypeCoverage struct {
	Type         string   `json:"type"`
	Evaluated    int      `json:"evaluated"`
	NotEvaluated int      `json:"notEvaluated"`
	Invariants   []string `json:"invariants,omitempty"`
	Inert        string   `json:"inert,omitempty"`
}

// NotEvaluatedRow is one resource the verdict does not cover.
type NotEvaluatedRow struct {
	URN  string `json:"urn"`
	Type string `json:"type"`
	Why  string `json:"why"`
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

	defaultTarget contract.RouteTarget // what DefaultRoute leads to ("" for none)
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
	ix := query.NewIndex(e)
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
	r.Egress = egress(ix)
	r.Internet = ix.InternetExposure()
	r.Paths, r.Nodes = paths(ix)
	r.Stores = stores(ix)
	r.Secrets = secretRows(ix)
	r.Images = imageRows(ix)
	r.Coverage = coverage(ix)
	r.Passed = r.AllHold()
	return r
}

// worldIngressLabel names a rule open from the internet by its rule (or inline group), protocol,
// ports and CIDR: names, not ids, so that two stacks compare.
func worldIngressLabel(r query.WorldRule) string {
	return fmt.Sprintf("%s: %s %s from %s", query.Name(r.Rule), r.Proto, query.PortRange(r.From, r.To), r.CIDR)
}

// worldEgressLabel names a rule open to the internet by its group, protocol, ports and CIDR.
func worldEgressLabel(r query.WorldRule) string {
	return fmt.Sprintf("%s: %s %s to %s", r.Group, r.Proto, query.PortRange(r.From, r.To), r.CIDR)
}

// judgedBy says what judges a type: the invariants that read it, why it carries nothing to judge,
// or that nothing does.
func (t TypeCoverage) judgedBy() string {
	switch {
	case len(t.Invariants) > 0:
		return strings.Join(t.Invariants, ", ")
	case t.Inert != "":
		return "nothing to judge: " + t.Inert
	}
	return "no invariant reads it"
}

// coverage counts, type by type, the cloud resources (providers aside) evaluated and not.
func coverage(ix *query.Index) Coverage {
	c := Coverage{NotEvaluated: []NotEvaluatedRow{}, ByType: []TypeCoverage{}}
	byType := map[string]*TypeCoverage{}
	covered := policy.CoveredTypes()
	row := func(typ string) *TypeCoverage {
		if byType[typ] == nil {
			byType[typ] = &TypeCoverage{Type: typ, Invariants: covered[typ], Inert: policy.Inert(typ)}
		}
		return byType[typ]
	}
	for _, ne := range policy.NotEvaluated(ix) {
		c.NotEvaluated = append(c.NotEvaluated, NotEvaluatedRow{URN: ne.Resource.URN, Type: ne.Resource.Type, Why: ne.Why})
		row(ne.Resource.Type).NotEvaluated++
	}
	for _, res := range ix.Resources {
		if res.Custom && !strings.HasPrefix(res.Type, contract.TypeProviderPrefix) {
			row(res.Type).Evaluated++
			c.Evaluated++
		}
	}
	for _, t := range byType {
		t.Evaluated -= t.NotEvaluated
		c.ByType = append(c.ByType, *t)
	}
	c.Evaluated -= len(c.NotEvaluated)
	sort.Slice(c.ByType, func(i, j int) bool { return c.ByType[i].Type < c.ByType[j].Type })
	return c
}

// AllHold reports whether every invariant holds over every resource: a resource no invariant can
// judge makes the verdict not a pass.
func (r *Report) AllHold() bool {
	if len(r.Coverage.NotEvaluated) > 0 {
		return false
	}
	for _, res := range r.results {
		if !res.Passed() {
			return false
		}
	}
	return true
}

func components(ix *query.Index) []Component {
	byURN := map[string]*Component{}
	var order []string
	for _, res := range ix.Resources {
		if !res.Custom || strings.HasPrefix(res.Type, contract.TypeProviderPrefix) {
			continue
		}
		top := res
		for top.Parent != "" {
			p := ix.URN(top.Parent)
			if p == nil || p.Type == contract.TypeStack {
				break
			}
			top = p
		}
		key := top.URN
		c, ok := byURN[key]
		if !ok {
			c = &Component{Type: top.Type, Name: query.Name(top), ByType: map[string]int{}}
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

var tierOrder = map[string]int{string(contract.Public): 0, string(contract.Private): 1, string(contract.Isolated): 2}

func subnets(ix *query.Index) []SubnetRow {
	var rows []SubnetRow
	for _, s := range ix.OfType(contract.TypeSubnet) {
		row := SubnetRow{Name: query.Name(s), Tier: string(query.Tier(s)), AZ: query.Str(s, "availabilityZone"), CIDR: query.Str(s, "cidrBlock"), DefaultRoute: "none (local only)"}
		if row.Tier == "" {
			row.Tier = "undeclared"
		}
		row.PublicIPs, _ = query.Bool(s, "mapPublicIpOnLaunch")
		if len(ix.SubnetRouteTables(s)) == 0 {
			row.DefaultRoute = "main route table (no explicit association)"
		}
		for _, rt := range ix.EffectiveRouteTables(s) {
			for _, route := range ix.Routes(rt) {
				target := describeTarget(ix, route)
				if query.IsDefaultRoute(route.Destination) {
					row.DefaultRoute, row.defaultTarget = target, route.TargetKind
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

func describeTarget(ix *query.Index, route query.Route) string {
	name := route.Target
	if t := ix.Ref(route.Target); t != nil {
		name = query.Name(t)
	}
	switch route.TargetKind {
	case contract.InternetGatewayTarget:
		return "internet gateway " + name
	case contract.NATGatewayTarget:
		return "NAT gateway " + name
	case contract.VPCEndpointTarget:
		return "gateway endpoint " + query.EndpointName(query.Str(route.Source, "serviceName"))
	}
	return string(route.TargetKind) + " " + name
}

func exposure(ix *query.Index, rows []SubnetRow) Exposure {
	var ex Exposure
	for _, igw := range ix.OfType(contract.TypeInternetGateway) {
		ex.InternetGateways = append(ex.InternetGateways, query.Name(igw))
	}
	for _, row := range rows {
		if row.defaultTarget == contract.InternetGatewayTarget {
			ex.PublicSubnets = append(ex.PublicSubnets, fmt.Sprintf("%s (%s, %s)", row.Name, row.AZ, row.CIDR))
		}
	}
	for _, nat := range ix.OfType(contract.TypeNatGateway) {
		where := query.Str(nat, "subnetId")
		if s := ix.Ref(where); s != nil {
			where = query.Name(s)
		}
		ex.NATGateways = append(ex.NATGateways, fmt.Sprintf("%s in %s", query.Name(nat), where))
	}
	for _, lb := range ix.LoadBalancers() {
		if query.InternetFacing(lb) {
			ex.LoadBalancers = append(ex.LoadBalancers, query.Name(lb))
		}
	}
	for _, r := range ix.WorldEgress() {
		ex.InternetEgress = append(ex.InternetEgress, worldEgressLabel(r))
	}
	for _, r := range ix.WorldIngress() {
		ex.OpenRules = append(ex.OpenRules, worldIngressLabel(r))
	}
	// The export's order of resources is not a contract: the same stack reports the same.
	for _, list := range [][]string{ex.InternetGateways, ex.PublicSubnets, ex.NATGateways, ex.LoadBalancers, ex.InternetEgress, ex.OpenRules} {
		sort.Strings(list)
	}
	return ex
}

// keyLabel renders which key protects a store: the key's alias (or name), "none", the SSE-S3
// exception, or a reference the stack does not hold.
func keyLabel(p query.KeyProtection) string {
	switch p.Kind {
	case query.CustomerManagedKey:
		if p.Alias != "" {
			return p.Alias
		}
		return query.Name(p.Key)
	case query.SSES3:
		return "SSE-S3 (the documented access-log exception)"
	case query.Unencrypted:
		return "none"
	}
	return p.Ref + " (not a key of this stack)"
}

// readerLabel renders a reader of a secret.
func readerLabel(p query.Principal) string {
	if p.Kind == query.AccountPrincipal {
		return p.Label() + " (any principal its IAM policies allow)"
	}
	return p.Label()
}

// bucketAccessLabel renders what a principal does with a bucket's objects: "users writes",
// "web-bff reads" (a service's task role is the service itself), "delivery.logs.amazonaws.com
// (delivers logs)".
func bucketAccessLabel(a query.BucketAccess) string {
	switch a.Who.Kind {
	case query.AWSServicePrincipal, query.AccountPrincipal:
		return a.Who.Label() + " (" + query.DeliversLogs + ")"
	}
	who := a.Who.Label()
	if a.Who.Kind == query.ServiceRolePrincipal && a.Who.Role == contract.TaskRole {
		who = a.Who.Service
	}
	return strings.TrimSpace(who + " " + a.Access)
}

// labels renders each item once, sorted.
func labels[T any](items []T, label func(T) string) []string {
	var out []string
	for _, it := range items {
		out = append(out, label(it))
	}
	sort.Strings(out)
	return slices.Compact(out)
}

func stores(ix *query.Index) []StoreRow {
	var rows []StoreRow
	for _, st := range ix.Stores() {
		row := StoreRow{Kind: string(st.Kind), Name: query.Name(st.Resource), Key: keyLabel(st.Encryption.Protection)}
		if st.Access != nil {
			for _, svc := range st.Access.Services {
				row.ReachableBy = append(row.ReachableBy, fmt.Sprintf("%s (tcp %d)", svc, st.Access.Port))
			}
			for _, m := range st.Access.Migrations {
				row.ReachableBy = append(row.ReachableBy, fmt.Sprintf("%s (migration task, tcp %d)", m, st.Access.Port))
			}
		} else {
			row.ReachableBy = labels(st.Principals, bucketAccessLabel)
		}
		rows = append(rows, row)
	}
	// Databases, then caches, then buckets, each by name, whatever the export's order.
	rank := map[string]int{string(query.DatabaseStore): 0, string(query.CacheStore): 1, string(query.BucketStore): 2}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Kind != rows[j].Kind {
			return rank[rows[i].Kind] < rank[rows[j].Kind]
		}
		return rows[i].Name < rows[j].Name
	})
	return rows
}

func secretRows(ix *query.Index) []SecretRow {
	var rows []SecretRow
	for _, s := range ix.Secrets() {
		rows = append(rows, SecretRow{Name: secretName(s), Key: keyLabel(s.Protection), Readers: secretReaders(s)})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Name < rows[j].Name })
	return rows
}

// secretName renders a secret's name; RDS-managed master passwords say so.
func secretName(s query.Secret) string {
	if s.ManagedBy != nil {
		return s.Name + " (master password, created and rotated by RDS)"
	}
	return s.Name
}

// secretReaders renders a secret's readers, sorted as a reader scans them: as the resource
// policy lists them (a reader named twice is shown twice), or for an RDS-managed secret as the
// identity policies grant it (each role once per secret).
func secretReaders(s query.Secret) []string {
	var out []string
	for _, p := range s.Readers {
		out = append(out, readerLabel(p))
	}
	sort.Strings(out)
	return out
}

// tally counts the invariants that hold and lists the ids of those that fail.
func (r *Report) tally() (held int, failed []string) {
	for _, res := range r.Results {
		if res.Passed {
			held++
		} else {
			failed = append(failed, res.ID)
		}
	}
	return held, failed
}

// verdict is the one-line outcome: how many invariants hold and, when some fail, which.
func (r *Report) verdict() string {
	held, failed := r.tally()
	v := fmt.Sprintf("%d of %d invariants hold", held, len(r.Results))
	if len(failed) > 0 {
		v += "; failed: " + strings.Join(failed, ", ") + " (findings under Security invariants)"
	}
	if n := len(r.Coverage.NotEvaluated); n > 0 {
		v += fmt.Sprintf("; %d resource(s) not evaluated, so this is not a pass", n)
	}
	return v + "."
}

// WriteText writes the report for a terminal: the verdict, then each section, then the verdict.
func (r *Report) WriteText(w io.Writer) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "%s\n", r.Title)
	// The verdict first, so that a reviewer sees it without scrolling; and again at the end.
	fmt.Fprintf(b, "verdict: %s\n", r.verdict())
	for _, n := range r.Notes {
		fmt.Fprintf(b, "note: %s\n", n)
	}
	fmt.Fprintf(b, "coverage: %d resources evaluated, %d not evaluated\n", r.Coverage.Evaluated, len(r.Coverage.NotEvaluated))
	for _, ne := range r.Coverage.NotEvaluated {
		fmt.Fprintf(b, "  not evaluated: %s (%s)\n", ne.URN, ne.Why)
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
	list("Groups allowed out to the internet (services that declare egress destinations, or rules added by hand)", r.Exposure.InternetEgress, "none")

	r.writeEgressText(b)

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

	fmt.Fprintf(b, "\nImages: where each task's image comes from\n")
	tw = tabwriter.NewWriter(b, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  TASK\tREPOSITORY\tIMMUTABLE\tSCANNING\tDIGEST\n")
	for _, im := range r.Images {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", im.Task, im.Repository, im.Immutable, im.Scanning, im.Digest)
	}
	_ = tw.Flush()

	fmt.Fprintf(b, "\nSecurity invariants\n")
	for _, res := range r.Results {
		status := "FAIL"
		if res.Passed {
			status = "PASS"
		}
		fmt.Fprintf(b, "  %s %s  %s (%d checked)\n", status, res.ID, res.Statement, res.Checked)
		for _, f := range res.Findings {
			fmt.Fprintf(b, "         %s\n", f)
		}
	}

	fmt.Fprintf(b, "\nCoverage by resource type\n")
	tw = tabwriter.NewWriter(b, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  TYPE\tEVALUATED\tNOT EVALUATED\tJUDGED BY\n")
	for _, t := range r.Coverage.ByType {
		fmt.Fprintf(tw, "  %s\t%d\t%d\t%s\n", t.Type, t.Evaluated, t.NotEvaluated, t.judgedBy())
	}
	_ = tw.Flush()
	fmt.Fprintf(b, "\n%s\n", r.verdict())
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
