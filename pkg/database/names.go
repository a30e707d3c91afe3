package database

import "strings"

// identifier joins parts into an RDS identifier AWS accepts for global clusters and snapshots:
// lowercase letters, digits and single hyphens, starting with a letter, not ending with a hyphen,
// at most limit characters. Anything else becomes a hyphen.
func identifier(limit int, parts ...string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.Join(parts, "-")) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			if s := b.String(); s != "" && !strings.HasSuffix(s, "-") {
				b.WriteByte('-')
			}
		}
	}
	id := b.String()
	if id == "" || id[0] < 'a' || id[0] > 'z' {
		id = "db-" + id
	}
	if len(id) > limit {
		id = id[:limit]
	}
	return strings.TrimRight(id, "-")
}

// Identifier limits: a global cluster identifier is at most 63 characters, a snapshot identifier 255.
const (
	maxGlobalIdentifier   = 63
	maxSnapshotIdentifier = 255
)

// globalClusterIdentifier names the global cluster after the project, stack and component, so two
// stacks in one account never collide and the name is the same whichever region writes.
func globalClusterIdentifier(project, stack, name string) string {
	return identifier(maxGlobalIdentifier, project, stack, name)
}

// finalSnapshotIdentifier names the snapshot AWS takes when a region's cluster is deleted in prod.
func finalSnapshotIdentifier(project, stack, name, region string) string {
	return identifier(maxSnapshotIdentifier, project, stack, name, region, "final")
}

// GlobalClusterIdentifier is the identifier NewGlobalDatabase gives the global cluster of component
// name in project and stack: fixed before anything exists, so other components (the default
// application's discovery) can name it without waiting for the database.
func GlobalClusterIdentifier(project, stack, name string) string {
	return globalClusterIdentifier(project, stack, name)
}

// SecretNamePrefix starts the physical name of component name's credentials secret (Pulumi
// auto-names it "<name>-credentials-<random>"; its replica in the other region keeps the name).
func SecretNamePrefix(name string) string { return name + "-credentials-" }
