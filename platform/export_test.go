package platform

import "slices"

// TaskVariables lists the names of every variable a service's tasks receive, sorted: what the
// tests compare a registered task definition with.
func TaskVariables(spec *Spec, service string) []string {
	var out []string
	for _, v := range WireService(spec, service).Variables {
		out = append(out, v.Name)
	}
	slices.Sort(out)
	return out
}

// MigrationVariables lists the names of every variable a database's migration task receives,
// sorted.
func MigrationVariables(spec *Spec, database string) []string {
	w := WireMigration(spec, database)
	var out []string
	for _, v := range w.Variables {
		out = append(out, v.Name)
	}
	for _, v := range w.MasterSecret {
		out = append(out, v.Name)
	}
	slices.Sort(out)
	return out
}
