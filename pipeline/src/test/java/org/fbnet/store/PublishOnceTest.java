package org.fbnet.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import org.apache.hadoop.fs.Path;
import org.fbnet.provenance.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A retried task publishes under the id its first attempt used: the version is written once, then made current. */
class PublishOnceTest {
    @Test
    void aSecondAttemptWithTheSameIdWritesNothingAndPointsAtTheFirst(@TempDir java.nio.file.Path tmp) throws Exception {
        VersionedDir dir = VersionedDir.at(new Path(tmp.resolve("models/fbnet/subj01").toUri()), HadoopConf.create());
        String id = VersionedDir.newId();
        int[] writes = {0};
        VersionedDir.Writer writer = (staging, m) -> {
            writes[0]++;
            Files.writeString(java.nio.file.Path.of(staging.toUri()).resolve("graph.zip"), "attempt " + writes[0]);
            return m;
        };
        Manifest m = Manifest.of("fbnet-model", 1).withUnit("finetune/subj01", "f");
        dir.publishOnce(id, m, writer, v -> { });
        // Another version became current meanwhile (e.g. an older run's); the retry re-points _current.
        Version other = dir.publish(m, writer);
        Version again = dir.publishOnce(id, m, writer, v -> { });
        assertEquals(2, writes[0], "the retry wrote nothing");
        assertEquals(id, again.id());
        assertEquals(id, dir.current().orElseThrow().id());
        assertEquals("attempt 1", Files.readString(tmp.resolve("models/fbnet/subj01/v=" + id + "/graph.zip")));
        assertFalse(other.id().equals(id));
        assertEquals(2, dir.list().size());
    }
}
