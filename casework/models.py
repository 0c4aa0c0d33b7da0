"""Agency casework (issue #9): actions, placement, the child's first account; assignment lives on
cases.CaseAccess."""
