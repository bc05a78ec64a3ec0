package policy

import "github.com/secure-vpc/secure-vpc/internal/policydoc"

func parsePolicy(text string) (policydoc.Document, error) { return policydoc.Parse(text) }
