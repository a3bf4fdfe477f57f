package io.breakwater.finding;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.io.Serializable;
import java.util.Objects;

/** A MITRE ATT&CK technique as a pattern file names it: {@code {id: T1609, name: ..., tactic: Execution}}. */
@JsonIgnoreProperties(ignoreUnknown = false)
public class AttackTechnique implements Serializable {
    private static final long serialVersionUID = 1L;

    public String id;
    public String name;
    public String tactic;

    public AttackTechnique() {}

    public AttackTechnique(String id, String name, String tactic) {
        this.id = id;
        this.name = name;
        this.tactic = tactic;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof AttackTechnique)) {
            return false;
        }
        AttackTechnique t = (AttackTechnique) o;
        return Objects.equals(id, t.id) && Objects.equals(name, t.name) && Objects.equals(tactic, t.tactic);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, name, tactic);
    }

    @Override
    public String toString() {
        return id;
    }
}
