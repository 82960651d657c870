// The config console: plain DOM, no build. Talks to /console/api with the browser's Basic
// credentials; writes carry the CSRF token Spring Security leaves in the XSRF-TOKEN cookie.

const $ = (selector) => document.querySelector(selector);

// URLs from the origin alone: a page opened as http://user:password@host/ would otherwise make
// every relative URL carry the credentials, which fetch() refuses.
const apiUrl = (path) => new URL('/console/api' + path, location.origin);

function csrfToken() {
	const cookie = document.cookie.split('; ').find((c) => c.startsWith('XSRF-TOKEN='));
	return cookie ? decodeURIComponent(cookie.substring('XSRF-TOKEN='.length)) : '';
}

async function api(path, { method = 'GET', body } = {}) {
	const headers = { Accept: 'application/json, application/problem+json' };
	if (method !== 'GET') {
		headers['Content-Type'] = 'application/json';
		headers['X-XSRF-TOKEN'] = csrfToken();
	}
	const response = await fetch(apiUrl(path), {
		method, headers, credentials: 'same-origin',
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const type = response.headers.get('Content-Type') || '';
	const data = type.includes('json') ? await response.json() : await response.text();
	if (!response.ok) {
		const problem = typeof data === 'object' ? data : { title: response.statusText, detail: data };
		const error = new Error(problem.detail || problem.title || `HTTP ${response.status}`);
		error.problem = problem;
		error.status = response.status;
		throw error;
	}
	return data;
}

function element(tag, attributes = {}, ...children) {
	const node = document.createElement(tag);
	for (const [name, value] of Object.entries(attributes)) {
		if (name === 'class') node.className = value;
		else if (name.startsWith('on')) node.addEventListener(name.substring(2), value);
		else if (name.startsWith('data-')) node.setAttribute(name, value);
		else node[name] = value;
	}
	for (const child of children.flat()) {
		if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
	}
	return node;
}

function say(text, kind = 'ok') {
	const box = $('#message');
	box.textContent = text;
	box.className = kind;
	box.hidden = false;
}

function fail(error) {
	const problem = error.problem || {};
	const where = problem.key ? ` (key ${problem.key}${problem.expectedType ? `, expected ${problem.expectedType}` : ''})` : '';
	say(`${problem.title || 'Error'}: ${error.message}${where}`, 'error');
}

const state = { application: null, profile: null, refreshes: new Set() };

async function loadApplications() {
	const applications = await api('/applications');
	const list = $('#applications');
	list.replaceChildren(...applications.map((application) => element('li', { 'data-application': application.name },
		element('strong', {}, application.name),
		element('div', { class: 'profiles' }, application.profiles.map((profile) => element('button', {
			type: 'button', 'data-profile': profile, title: `Configuration of ${application.name} for ${profile}`,
			onclick: () => showConfiguration(application.name, profile),
		}, profile))),
		element('div', { class: 'instances' }, `${application.instances.length} instance(s) in Consul`),
		element('button', {
			type: 'button', class: 'refresh-application', 'data-application': application.name,
			onclick: () => refresh(application.name),
		}, 'Refresh'),
	)));
}

async function loadFiles() {
	const files = await api('/files');
	const select = $('#edit-file');
	const chosen = select.value;
	select.replaceChildren(...files.map((file) => element('option', { value: file }, file)));
	if (files.includes(chosen)) select.value = chosen;
}

async function showConfiguration(application, profile) {
	state.application = application;
	state.profile = profile;
	const configuration = await api(`/applications/${encodeURIComponent(application)}/${encodeURIComponent(profile)}`);
	$('#configuration-title').textContent = `${application} · ${profile} · ${(configuration.version || '').substring(0, 7)}`;
	$('#configuration-hint').hidden = configuration.properties.length > 0;
	$('#configuration-hint').textContent = 'No properties.';
	const table = $('#configuration');
	table.hidden = configuration.properties.length === 0;
	table.tBodies[0].replaceChildren(...configuration.properties.map((property) => element('tr', {
		'data-key': property.key, class: property.overridden ? 'overridden' : '',
	},
	element('td', {}, property.key),
	element('td', { class: 'value', title: property.masked ? 'secret: masked' : '' }, JSON.stringify(property.value)),
	element('td', {}, property.file || property.source),
	element('td', {}, property.masked || !property.file ? '' : element('button', {
		type: 'button', class: 'edit',
		onclick: () => prefill(property),
	}, 'Edit')),
	)));
}

function prefill(property) {
	$('#edit-file').value = property.file;
	$('#edit-key').value = property.key;
	$('#edit-value').value = typeof property.value === 'string' ? JSON.stringify(property.value) : String(property.value);
	$('#edit-value').focus();
}

async function loadHistory() {
	const commits = await api('/commits?limit=30');
	$('#head').textContent = commits.length ? `HEAD ${commits[0].shortId}` : '';
	$('#history').tBodies[0].replaceChildren(...commits.map((commit, index) => element('tr', { 'data-commit': commit.id },
		element('td', {}, element('code', {}, commit.shortId)),
		element('td', {}, commit.author),
		element('td', {}, new Date(commit.time).toLocaleString()),
		element('td', {}, commit.message.split('\n')[0], element('div', { class: 'muted' }, commit.files.join(', '))),
		element('td', {},
			element('button', { type: 'button', class: 'diff', onclick: () => showDiff(commit.id) }, 'Diff'),
			index === 0 ? null : element('button', {
				type: 'button', class: 'rollback', title: 'A new commit with the files as they were at this commit',
				onclick: () => rollback(commit),
			}, 'Roll back to this')),
	)));
}

async function showDiff(id) {
	const { commit, diff } = await api(`/commits/${id}`);
	$('#diff-title').textContent = `${commit.shortId} ${commit.message.split('\n')[0]}`;
	$('#diff').replaceChildren(...diff.split('\n').map((line) => element('span', {
		class: line.startsWith('+') && !line.startsWith('+++') ? 'add' : line.startsWith('-') && !line.startsWith('---') ? 'del' : '',
	}, line + '\n')));
	$('#diff-panel').hidden = false;
}

async function changed(change, what) {
	change.refreshes.forEach((refresh) => state.refreshes.add(refresh.id));
	const targets = change.refreshes.map((refresh) => refresh.destination).join(', ') || 'no running application';
	say(`${what}: commit ${change.commit.shortId}; refresh sent to ${targets}`);
	await Promise.all([loadHistory(), loadRefreshes(), reloadConfiguration()]);
}

async function reloadConfiguration() {
	if (state.application) await showConfiguration(state.application, state.profile);
}

async function edit(event) {
	event.preventDefault();
	const body = {
		file: $('#edit-file').value, key: $('#edit-key').value.trim(),
		value: $('#edit-value').value, message: $('#edit-message').value,
	};
	$('#edit-save').disabled = true;
	try {
		await changed(await api('/edits', { method: 'POST', body }), `Set ${body.key} in ${body.file}`);
		$('#edit-message').value = '';
	}
	catch (error) {
		fail(error);
	}
	finally {
		$('#edit-save').disabled = false;
	}
}

async function rollback(commit) {
	if (!confirm(`Commit the files as they were at ${commit.shortId} ("${commit.message.split('\n')[0]}")?`)) return;
	try {
		await changed(await api(`/commits/${commit.id}/rollback`, { method: 'POST', body: {} }), `Rolled back to ${commit.shortId}`);
	}
	catch (error) {
		fail(error);
	}
}

async function refresh(application) {
	try {
		const sent = await api('/refreshes', { method: 'POST', body: application ? { application } : {} });
		state.refreshes.add(sent.id);
		say(`Refresh sent to ${sent.destination}`);
		await loadRefreshes();
	}
	catch (error) {
		fail(error);
	}
}

async function loadRefreshes() {
	const refreshes = (await api('/refreshes')).slice(0, 10);
	if (refreshes.length === 0) return;
	$('#refreshes').replaceChildren(...refreshes.map((refresh) => {
		const acked = refresh.instances.filter((instance) => instance.acknowledged).length;
		return element('div', { class: 'refresh', 'data-refresh-id': refresh.id, 'data-destination': refresh.destination },
			element('div', {},
				element('strong', {}, refresh.destination), ' ',
				element('span', { class: 'muted' }, `${new Date(refresh.sentAt).toLocaleTimeString()} · ${refresh.reason} · ${refresh.sentBy}`), ' ',
				element('span', { class: 'count' }, `${acked}/${refresh.instances.length} acknowledged`)),
			element('ul', {}, refresh.instances.map((entry) => element('li', {
				'data-instance-id': entry.instance.instanceId, 'data-acked': String(entry.acknowledged),
				class: entry.acknowledged ? 'acked' : 'waiting',
			}, entry.acknowledged ? '✓ ' : '… ', `${entry.instance.instanceId} (${entry.instance.host}:${entry.instance.port})`,
			entry.acknowledged ? element('span', { class: 'muted' }, ` acked as ${entry.busId}`) : ' waiting'))),
			refresh.otherAcks.length ? element('div', { class: 'muted' }, `also acknowledged: ${refresh.otherAcks.join(', ')}`) : null);
	}));
}

async function start() {
	$('#edit-form').addEventListener('submit', edit);
	$('#refresh-all').addEventListener('click', () => refresh(null));
	try {
		await Promise.all([loadApplications(), loadFiles(), loadHistory(), loadRefreshes()]);
	}
	catch (error) {
		fail(error);
	}
	// Acknowledgements arrive within a second or two of a refresh; the page polls for them.
	setInterval(() => loadRefreshes().catch(() => {}), 1000);
}

start();
