package dev.microplatform.config.git;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.springframework.cloud.config.server.environment.SearchPathLocator;
import org.springframework.cloud.config.server.resource.NoSuchResourceException;
import org.springframework.cloud.config.server.resource.ResourceRepository;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * Config Server's plain-file lookup, but never a file in a {@code .git} folder: not by the name,
 * profile, label or path asked for ({@link GitFolderPath}), nor by where the file found really is
 * (a symbolic link in the repository pointing into {@code .git}, or out of the served locations).
 * Config Server's own {@code GenericResourceRepository} refuses traversal but serves
 * {@code .git/config} like any other file. Refused files are "not found" (404), as Config Server
 * answers for a file that does not exist.
 */
class GitFolderRefusingResourceRepository implements ResourceRepository {

	private final ResourceRepository files;

	private final SearchPathLocator locations;

	private final ResourceLoader resources;

	GitFolderRefusingResourceRepository(ResourceRepository files, SearchPathLocator locations,
			ResourceLoader resources) {
		this.files = files;
		this.locations = locations;
		this.resources = resources;
	}

	@Override
	public Resource findOne(String name, String profile, String label, String path) {
		if (GitFolderPath.reaches(name) || GitFolderPath.reaches(profile) || GitFolderPath.reaches(label)
				|| GitFolderPath.reaches(path)) {
			throw notFound(path);
		}
		Resource file = this.files.findOne(name, profile, label, path);
		if (!outsideGitFolders(file, name, profile, label)) {
			throw notFound(path);
		}
		return file;
	}

	/** Where the file really is: under a served location, and in no {@code .git} folder there. */
	private boolean outsideGitFolders(Resource file, String name, String profile, String label) {
		try {
			if (!file.isFile()) {
				// Not on the file system (a classpath location): its path was judged above
				return true;
			}
			Path real = file.getFile().toPath().toRealPath();
			for (Path location : servedLocations(name, profile, label)) {
				if (real.startsWith(location)) {
					return !GitFolderPath.reaches(location.relativize(real).toString());
				}
			}
			return false;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private List<Path> servedLocations(String name, String profile, String label) throws IOException {
		List<Path> served = new ArrayList<>();
		for (String location : this.locations.getLocations(name, profile, label).getLocations()) {
			Resource resource = this.resources.getResource(location.replaceFirst("^optional:", ""));
			if (resource.isFile() && resource.exists()) {
				served.add(resource.getFile().toPath().toRealPath());
			}
		}
		return served;
	}

	private static NoSuchResourceException notFound(String path) {
		return new NoSuchResourceException("Not found: " + path);
	}

}
